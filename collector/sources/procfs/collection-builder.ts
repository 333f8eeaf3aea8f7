/** The procfs source's collection builder: every parser in this folder writes into one. */
import { CollectionBuilder as SourceCollectionBuilder } from '../collection-builder.js';

export { counter, gauge, untyped, type LabelSet } from '../collection-builder.js';

export const SOURCE_NAME = 'procfs';

export class CollectionBuilder extends SourceCollectionBuilder {
  constructor() {
    super(SOURCE_NAME);
  }
}
