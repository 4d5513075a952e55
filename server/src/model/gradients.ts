// tfjs-core's node build ships no gradient definitions (the @tensorflow/tfjs umbrella, which we
// do not use, registers them). Its ESM sources do, and gradient and kernel registries and the
// engine live on globalThis, so registering from the ESM copy serves the CommonJS copy too.
// The relative path is deliberate: esbuild must bundle this file (Node cannot load the ESM
// sources, whose imports lack extensions), and the `@tensorflow/*` external rule of our bundles
// would otherwise leave it as a runtime require.
// The CommonJS build must load first: the first copy to load creates the global engine, and
// only that copy has the tensor method table (clone, reshape…) that gradients call.
import '@tensorflow/tfjs-core';
import '../../../node_modules/@tensorflow/tfjs-core/dist/register_all_gradients';
