import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { Box } from '@mantine/core';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { TerminalConnection, type TerminalLogin, type TerminalStatus } from './terminal-connection';
import { requestTerminalTicket } from './terminal-api';

export interface TerminalViewHandle {
  copySelection(): Promise<void>;
  pasteClipboard(): Promise<void>;
  focus(): void;
}

interface TerminalViewProps {
  uid: string;
  login: TerminalLogin;
  onStatus: (status: TerminalStatus) => void;
}

const theme = {
  background: '#101113',
  foreground: '#e9ecef',
  cursor: '#e9ecef',
  selectionBackground: '#4dabf755',
};

/**
 * The xterm.js terminal of one connection: fits its box (and tells the device each new size), carries keystrokes
 * and output, and copies and pastes with Ctrl+Shift+C / Ctrl+Shift+V (Ctrl+C stays the shell's interrupt).
 * Mounting it connects; unmounting closes the connection (the page remounts it to reconnect).
 */
export const TerminalView = forwardRef<TerminalViewHandle, TerminalViewProps>(function TerminalView({ uid, login, onStatus }, handle) {
  const container = useRef<HTMLDivElement>(null);
  const terminalRef = useRef<Terminal | null>(null);
  const statusListener = useRef(onStatus);
  statusListener.current = onStatus;

  useImperativeHandle(handle, () => ({
    async copySelection() {
      const selection = terminalRef.current?.getSelection();
      if (selection) await navigator.clipboard.writeText(selection);
      terminalRef.current?.focus();
    },
    async pasteClipboard() {
      const text = await navigator.clipboard.readText();
      terminalRef.current?.paste(text);
      terminalRef.current?.focus();
    },
    focus() {
      terminalRef.current?.focus();
    },
  }));

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const terminal = new Terminal({
      cursorBlink: true,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
      fontSize: 14,
      scrollback: 5000,
      theme,
    });
    terminalRef.current = terminal;
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(element);
    fit.fit();

    const connection = new TerminalConnection(
      {
        requestTicket: () => requestTerminalTicket(uid),
        origin: window.location.origin,
        openSocket: (url) => new WebSocket(url),
        onStatus: (status) => statusListener.current(status),
        onOutput: (bytes) => terminal.write(bytes),
      },
      login,
      { cols: terminal.cols, rows: terminal.rows },
    );
    const typed = terminal.onData((data) => connection.input(data));
    const resized = terminal.onResize(({ cols, rows }) => connection.resize(cols, rows));
    terminal.attachCustomKeyEventHandler((event) => {
      if (event.type !== 'keydown' || !event.ctrlKey || !event.shiftKey) return true;
      if (event.code === 'KeyC') {
        const selection = terminal.getSelection();
        if (selection) void navigator.clipboard.writeText(selection);
        return false;
      }
      if (event.code === 'KeyV') {
        void navigator.clipboard.readText().then((text) => terminal.paste(text));
        return false;
      }
      return true;
    });
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(element);
    void connection.connect();
    terminal.focus();

    return () => {
      observer.disconnect();
      typed.dispose();
      resized.dispose();
      connection.close();
      terminal.dispose();
      terminalRef.current = null;
    };
  }, [uid, login]);

  return (
    <Box
      ref={container}
      role="application"
      aria-label="Terminal"
      style={{ height: 'min(70vh, 720px)', minHeight: 240, width: '100%', padding: 8, background: theme.background, borderRadius: 8 }}
    />
  );
});
