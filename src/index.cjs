// CommonJS: Node starts it without its ES module loader, a few ms sooner. The bundler
// compiles main.ts in, so this is the whole entry, as in an index.ts that only calls run().
require('./main.ts').run();
