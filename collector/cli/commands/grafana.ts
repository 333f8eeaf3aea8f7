import { stringFlag, type Command } from '../command.js';

export const grafanaGenerateCommand: Command = {
  path: ['grafana', 'generate'],
  summary: "Write kubepulse's Grafana dashboards and provisioning files (data source and dashboard provider).",
  description: 'Writes dashboards/*.json and provisioning/** under --out; point the data source at the hub with --hub-url.',
  flags: {
    out: { type: 'string', valueName: 'dir', help: 'Where to write the files.', default: './grafana-out' },
    'hub-url': { type: 'string', valueName: 'url', help: 'The kubepulse hub the data source points at.', default: 'http://kubepulse-hub.kubepulse.svc:9470' },
  },
  async run(args, io) {
    const hubUrl = stringFlag(args, 'hub-url');
    // Loaded when the command runs: `kubepulse collector` must not pay for every other command's modules (RSS).
    const { runGrafanaGenerate } = await import('../../../grafana/index.js');
    const r = await runGrafanaGenerate(stringFlag(args, 'out') ?? './grafana-out', hubUrl !== undefined ? { hubUrl } : {});
    if (!r.ok) {
      io.stderr(`kubepulse: ${r.error}\n`);
      return 1;
    }
    io.stdout(r.value.map((l) => `${l}\n`).join(''));
    return 0;
  },
};
