export { TerminalPage } from './terminal-page';
