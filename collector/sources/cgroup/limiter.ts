/**
 * Caps how many asynchronous file operations run at once. Reading 6,000 files
 * with no cap would queue them all in libuv and hold every buffer at the same
 * time; a cap keeps memory flat and lets an abort stop the rest early.
 */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(concurrency: number): Limiter {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    running--;
    const next = waiting.shift();
    if (next) {
      running++;
      next();
    }
  };
  return <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const start = (): void => {
        task().then(resolve, reject).finally(release);
      };
      if (running < concurrency) {
        running++;
        start();
      } else {
        waiting.push(start);
      }
    });
}
