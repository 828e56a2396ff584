/**
 * A small HTTP proxy between the simulated clients and the stand-in that forwards every request
 * but drops a fraction of the responses: it waits until the stand-in has answered (so the
 * request took effect), then destroys the client's socket instead of passing the answer on.
 * That is a reply lost on the way back: the client cannot tell whether its call took effect.
 */
import http from 'node:http';
import net from 'node:net';

export interface DropProxy {
	url: string;
	/** Answers dropped, by request path (e.g. /rest/v1/rpc/record_trials). */
	readonly dropped: Map<string, number>;
	forwarded: number;
	close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

export async function startDropProxy(target: { port: number }, probability: number, random: () => number = Math.random): Promise<DropProxy> {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
	const sockets = new Set<net.Socket>();
	const dropped = new Map<string, number>();
	const proxy: DropProxy = { url: '', dropped, forwarded: 0, close: async () => undefined };
	const server = http.createServer((req, res) => {
		const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
		const upstream = http.request({ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers, agent }, (answer) => {
			const chunks: Buffer[] = [];
			answer.on('data', (chunk: Buffer) => chunks.push(chunk));
			answer.on('error', () => req.socket.destroy());
			answer.on('end', () => {
				if (random() < probability) {
					const where = (req.url ?? '').split('?')[0]!;
					dropped.set(where, (dropped.get(where) ?? 0) + 1);
					req.socket.destroy();
					return;
				}
				proxy.forwarded++;
				const body = Buffer.concat(chunks);
				const out = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
				res.writeHead(answer.statusCode ?? 502, { ...out, 'content-length': String(body.length) });
				res.end(body);
			});
		});
		// the stand-in is down (killed, restarting): the client sees its connection fail
		upstream.on('error', () => req.socket.destroy());
		req.pipe(upstream);
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	proxy.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
	proxy.close = () =>
		new Promise<void>((resolve) => {
			for (const socket of sockets) socket.destroy();
			agent.destroy();
			server.close(() => resolve());
		});
	return proxy;
}
