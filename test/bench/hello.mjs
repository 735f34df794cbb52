// The floor: a bare node:http hello-world on the same machine, in the same run.
import { createServer } from 'node:http'
import process from 'node:process'

const body = JSON.stringify({ hello: 'world' })
createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}).listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'))
