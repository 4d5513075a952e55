// JSON schema of a training config (ajv, draft-07). Defaults live here so a minimal file works.
export const TRAIN_CONFIG_SCHEMA = {
  $id: 'xanes-lens/train-config',
  type: 'object',
  additionalProperties: false,
  required: ['data'],
  properties: {
    $schema: { type: 'string' },
    description: { type: 'string' },
    data: {
      type: 'object',
      additionalProperties: false,
      required: ['sources'],
      properties: {
        sources: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['path'],
            properties: {
              path: { type: 'string', minLength: 1 },
              kind: { enum: ['auto', 'jsonl', 'pymatgen', 'feff', 'xanesnet'], default: 'auto' },
              absorber: { type: 'string' },
              absorberIndex: { type: 'integer', minimum: 0 },
              method: { type: 'string' },
              licence: { type: 'string' },
              limit: { type: 'integer', minimum: 1 },
            },
          },
        },
        /** Domain ids to train on; empty = every domain the sources produce. */
        domains: { type: 'array', items: { type: 'string', pattern: '^[A-Z][a-z]?-[A-Za-z0-9]+-[^-]+(-rel)?$' }, default: [] },
        /** Replace a domain's default grid: { "Cu-K-FEFF": { "start": 8989, "step": 0.5, "points": 111 } }. */
        grids: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            required: ['start', 'step', 'points'],
            properties: { start: { type: 'number' }, step: { type: 'number', exclusiveMinimum: 0 }, points: { type: 'integer', minimum: 2 } },
          },
          default: {},
        },
        minCoverage: { type: 'number', minimum: 0, maximum: 1, default: 0.8 },
        cacheDir: { type: 'string', default: 'out/cache' },
      },
    },
    split: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        seed: { type: 'integer', default: 42 },
        train: { type: 'number', minimum: 0, maximum: 1, default: 0.8 },
        val: { type: 'number', minimum: 0, maximum: 1, default: 0.1 },
        test: { type: 'number', minimum: 0, maximum: 1, default: 0.1 },
        folds: { type: 'integer', minimum: 2 },
        trainFraction: { type: 'number', exclusiveMinimum: 0, maximum: 1, description: 'train on this seeded fraction of the training materials, validation and test unchanged (learning curves; absent = 1)' },
      },
    },
    model: {
      type: 'object',
      default: {},
      // The network module may add keys of its own; the ones listed are checked.
      additionalProperties: true,
      properties: {
        maxNeighbours: { type: 'integer', minimum: 1, maximum: 64, default: 20 },
        cutoff: { type: 'number', exclusiveMinimum: 0, maximum: 20, default: 8 },
        rbfCount: { type: 'integer', minimum: 1, maximum: 256, default: 64 },
        hidden: { type: 'integer', minimum: 1, default: 128 },
        convLayers: { type: 'integer', minimum: 0, default: 3 },
        attentionHeads: { type: 'integer', minimum: 1, default: 3 },
        dense: { type: 'array', items: { type: 'integer', minimum: 1 }, default: [256, 256] },
        dropout: { type: 'number', minimum: 0, maximum: 0.9, default: 0, description: 'dropout rate after each dense layer while training' },
        linearRbf: { type: 'integer', minimum: 1, maximum: 256, description: 'extra edge Gaussians evenly spaced in r over [0, cutoff] (server/src/graph/rbf.ts; absent = none)' },
        angular: { type: 'boolean', default: false, description: 'angular edge features (server/src/graph/angular.ts)' },
        context: { type: 'boolean', description: 'neighbour-context edge features: what each neighbour is bonded to (server/src/graph/context.ts; absent = false)' },
        attention: { enum: ['tanh', 'cosine'], default: 'tanh', description: "attention score: the paper's tanh, or cosine similarity times a temperature (cannot saturate)" },
        attentionTemperature: { type: 'number', exclusiveMinimum: 0, maximum: 50 },
        descriptor: { enum: ['none', 'wacsf'], default: 'none', description: "absorber descriptor joined to the pooled graph state: the baseline's wACSF (baseline.wacsf options)" },
      },
    },
    loss: { enum: ['L1', 'MSE'], default: 'L1' },
    slopeLoss: { type: 'number', minimum: 0, description: 'weight of a loss term on differences between neighbouring energy points, the line shape (GNN only; absent = 0)' },
    augment: {
      type: 'object',
      additionalProperties: false,
      properties: {
        positionNoise: { type: 'number', minimum: 0, maximum: 0.5, description: 'σ in Å of a Gaussian displacement of every neighbour, drawn anew each training step (GNN only; absent = 0)' },
      },
    },
    optimizer: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        name: { enum: ['adam', 'adamw'], default: 'adam' },
        learningRate: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.001 },
        weightDecay: { type: 'number', minimum: 0, default: 0 },
      },
    },
    schedule: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        type: { enum: ['none', 'cosine', 'step', 'plateau'], default: 'cosine' },
        warmupEpochs: { type: 'integer', minimum: 0, default: 0 },
        minLearningRate: { type: 'number', minimum: 0, default: 0.00001 },
        stepEpochs: { type: 'integer', minimum: 1, default: 50 },
        factor: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.5 },
        patience: { type: 'integer', minimum: 1, default: 10 },
      },
    },
    epochs: { type: 'integer', minimum: 1, default: 200 },
    initFrom: {
      type: 'string',
      description: 'model directory whose member weights start training (member k from member k mod count); new input rows start at 0',
    },
    earlyStopping: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        patience: { type: 'integer', minimum: 0, default: 30 },
        minDelta: { type: 'number', minimum: 0, default: 0 },
      },
    },
    batchSize: { type: 'integer', minimum: 1, maximum: 4096, default: 32 },
    backend: { enum: ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'], default: 'auto' },
    workers: { type: 'integer', minimum: 1, maximum: 64, default: 1 },
    ensemble: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        size: { type: 'integer', minimum: 1, maximum: 32, default: 1 },
        seeds: { type: 'array', items: { type: 'integer' } },
      },
    },
    baseline: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true },
        hidden: { type: 'array', items: { type: 'integer', minimum: 1 }, default: [512, 512] },
        epochs: { type: 'integer', minimum: 1, default: 500 },
        learningRate: { type: 'number', exclusiveMinimum: 0, default: 0.0001 },
        dropout: { type: 'number', minimum: 0, maximum: 0.9, description: 'dropout rate after each hidden layer while training (absent = 0)' },
        wacsf: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            cutoff: { type: 'number', exclusiveMinimum: 0, default: 6 },
            nG2: { type: 'integer', minimum: 0, default: 32 },
            nG4: { type: 'integer', minimum: 0, default: 64 },
            zetas: { type: 'array', items: { type: 'number', exclusiveMinimum: 0 }, minItems: 1, default: [1, 2, 4, 8] },
          },
        },
      },
    },
    seed: { type: 'integer', default: 1 },
    outputDir: { type: 'string', default: 'out/train' },
  },
} as const;
