import { createServer, type RequestListener } from 'node:http';
import type { Socket } from 'node:net';

export interface Listening {
  /** `http://host:port`, IPv6 hosts in brackets. */
  origin: string;
  port: number;
  /** Stops listening and destroys every open connection, hanging ones included. */
  close(): Promise<void>;
}

/** Serves `listener` on host:port (port 0: any free one); rejects on listen errors (EADDRINUSE, ...). */
export async function listen(listener: RequestListener, port: number, host: string): Promise<Listening> {
  const server = createServer(listener);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    origin: `http://${hostPart}:${address.port}`,
    port: address.port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
