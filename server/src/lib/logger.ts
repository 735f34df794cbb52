import { maskPiiInText, toShanghaiIso } from '@yibao/shared'
import pino from 'pino'

export type Logger = pino.Logger

/**
 * Structured JSON logs. Every string that reaches a log line passes through `maskPiiInText`, so an
 * ID or mobile number that slips into a message or an upstream error is masked all the same.
 */
export function createLogger(level: pino.LevelWithSilent = 'info', destination?: pino.DestinationStream): Logger {
  return pino({
    level,
    base: { service: 'yibao-bff' },
    // Business time is Asia/Shanghai: log instants carry the +08:00 offset.
    timestamp: () => `,"time":"${toShanghaiIso(new Date())}"`,
    redact: { paths: ['certNo', '*.certNo', 'mobile', '*.mobile', 'name', '*.name', 'req.headers.cookie', 'req.headers.authorization'], censor: '[masked]' },
    hooks: {
      streamWrite: line => maskPiiInText(line),
    },
  }, destination)
}
