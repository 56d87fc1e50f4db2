// An esbuild plugin for yoga-layout's Emscripten loader (Ink's layout engine). Its wasm is embedded as a base64
// data: URL that the loader reads with fetch() whenever fetch exists: on Node that loads undici, a large HTTP
// client, just to decode a string (≈ 150 ms of the TUI's start-up). Same code, except the bytes are decoded
// with Buffer up front, which the loader then takes as its wasm binary.
import fs from 'node:fs';

// The loader's test "binary given, or no fetch?" in the versions this was written against (yoga-layout 3.x).
const TEST = 'w||"function"!=typeof fetch?';

export const yogaSyncWasm = {
	name: 'yoga-sync-wasm',
	setup(build) {
		build.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, args => {
			const original = fs.readFileSync(args.path, 'utf8');
			// A changed upstream loader is left alone (it still works, only slower).
			if (original.split(TEST).length !== 2 || !original.includes('H="data:application/octet-stream;base64,')) return undefined;
			return { contents: original.replace(TEST, '(w=w||Buffer.from(H.slice(H.indexOf(",")+1),"base64"))?'), loader: 'js' };
		});
	},
};
