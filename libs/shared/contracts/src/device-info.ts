/** What an agent reports about its device at registration (ShellHub's `info` object), shared by agent and API. */
export interface DeviceInfo {
  id: string;
  pretty_name: string;
  version: string;
  arch: string;
  platform: string;
}
