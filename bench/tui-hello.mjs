// The floor for the TUI start-up benchmark: a bare Ink hello-world, timed to its first frame like `ipam` is.
import React from 'react';
import { render, Text } from 'ink';

let done = false;
render(React.createElement(Text, null, 'hello'), {
	onRender() {
		if (done) return;
		done = true;
		const cpu = process.cpuUsage();
		process.stderr.write(`hello-frame ${performance.now().toFixed(1)} ms cpu ${((cpu.user + cpu.system) / 1000).toFixed(1)} ms\n`);
		process.exit(0);
	},
});
