// Opens the full-screen TUI (placeholder until the TUI lands: prints where the store is).
export async function runTui(options: { dbPath: string; actor: string; env: NodeJS.ProcessEnv }): Promise<number> {
	process.stdout.write(`ipam: the TUI is not built yet; store ${options.dbPath}\n`);
	return 0;
}
