import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas, unwrap, unwrapPage } from '../../api/client';
import { encodeFilter } from '../devices/device-filter';
import { type SessionListView, sessionFilterItems } from './session-filter';

export type Session = Schemas['SessionDto'];
export type RecordingVerification = Schemas['RecordingVerificationDto'];

/** Live sessions change by the second: lists and details refresh while they are on screen. */
const LIVE_REFRESH_MS = 10_000;

export function useSessionList(view: SessionListView) {
  return useQuery({
    queryKey: ['sessions', view],
    placeholderData: (previous) => previous,
    refetchInterval: LIVE_REFRESH_MS,
    queryFn: () =>
      unwrapPage(
        api.GET('/api/sessions', {
          params: {
            query: {
              filter: encodeFilter(sessionFilterItems(view)),
              sort_by: view.sortBy,
              order_by: view.order,
              page: view.page,
              per_page: view.perPage,
            },
          },
        }),
      ),
  });
}

export function useSession(uid: string) {
  return useQuery({
    queryKey: ['session', uid],
    refetchInterval: (query) => (query.state.data?.active ? LIVE_REFRESH_MS : false),
    queryFn: () => unwrap(api.GET('/api/sessions/{uid}', { params: { path: { uid } } })),
  });
}

/** The recording as asciicast v2 text: what the player plays and the download saves. */
export function useAsciicast(uid: string, enabled: boolean) {
  return useQuery({
    queryKey: ['session-asciicast', uid],
    enabled,
    queryFn: async () =>
      String(await unwrap(api.GET('/api/sessions/{uid}/asciicast', { params: { path: { uid } }, parseAs: 'text' }))),
  });
}

export function useRecordingVerification(uid: string, enabled: boolean) {
  return useQuery({
    queryKey: ['session-verification', uid],
    enabled,
    queryFn: () => unwrap(api.GET('/api/sessions/{uid}/verify', { params: { path: { uid } } })),
  });
}

/** The recording with its hash chain and signatures, for verification offline (docs/recordings.md). */
export async function fetchRecordingBundle(uid: string): Promise<string> {
  return String(await unwrap(api.GET('/api/sessions/{uid}/recording', { params: { path: { uid } }, parseAs: 'text' })));
}

export function useCloseSession(session: Pick<Session, 'uid' | 'device_uid'>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/sessions/{uid}/close', {
          params: { path: { uid: session.uid } },
          body: { device: session.device_uid },
        }),
      ),
    onSuccess: () =>
      Promise.all(['sessions', 'session', 'stats'].map((key) => queryClient.invalidateQueries({ queryKey: [key] }))),
  });
}

/** Saves `text` as a file the browser downloads. */
export function saveText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
