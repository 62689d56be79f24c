// Placeholder: the web-terminal work replaces this file with the real terminal, under the same export name.
export { TerminalPage } from './terminal-placeholder-page';
