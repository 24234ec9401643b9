// One LogOutputChannel for what the extension does. Nothing secret goes in: keys are redacted
// wherever they could appear (headers, URLs).
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

export function initLog(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('LangGraph Timeline', { log: true });
  return channel;
}

export function redact(s: string): string {
  return s.replace(/(x-api-key["']?\s*[:=]\s*["']?)[^"'\s,}]+/gi, '$1***').replace(/(api[_-]?key=)[^&\s]+/gi, '$1***');
}

/** The last lines written, as written (after redaction): what a test can check for secrets. */
export const recentLog: string[] = [];

function write(level: 'info' | 'warn' | 'error' | 'debug', m: string): void {
  const line = redact(m);
  recentLog.push(`${level} ${line}`);
  if (recentLog.length > 500) recentLog.splice(0, recentLog.length - 500);
  channel?.[level](line);
}

export const log = {
  info: (m: string) => write('info', m),
  warn: (m: string) => write('warn', m),
  error: (m: string) => write('error', m),
  debug: (m: string) => write('debug', m),
};
