import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas, unwrap, unwrapPage } from '../../api/client';
import { type DeviceListView, deviceFilterItems, encodeFilter } from './device-filter';

export type Device = Schemas['DeviceDto'];

export function useDeviceList(view: DeviceListView) {
  return useQuery({
    queryKey: ['devices', view],
    placeholderData: (previous) => previous,
    queryFn: () =>
      unwrapPage(
        api.GET('/api/devices', {
          params: {
            query: {
              filter: encodeFilter(deviceFilterItems(view)),
              status: view.status,
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

export function useDevice(uid: string) {
  return useQuery({
    queryKey: ['device', uid],
    queryFn: () => unwrap(api.GET('/api/devices/{uid}', { params: { path: { uid } } })),
  });
}

export function useTagNames() {
  return useQuery({
    queryKey: ['tags'],
    queryFn: async () => (await unwrap(api.GET('/api/tags', {}))) as string[],
  });
}

export type DeviceDecision = 'accept' | 'reject';

export function decideDevice(uid: string, decision: DeviceDecision) {
  return unwrap(api.PATCH('/api/devices/{uid}/{status}', { params: { path: { uid, status: decision } } }));
}

/** Invalidates every view of devices (lists, details, stats, tags) after a change. */
export function useDevicesChanged() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all(
      ['devices', 'device', 'stats', 'tags'].map((key) => queryClient.invalidateQueries({ queryKey: [key] })),
    );
}

export function useDeviceMutation<T>(mutationFn: (input: T) => Promise<unknown>) {
  const changed = useDevicesChanged();
  return useMutation({ mutationFn, onSuccess: () => changed() });
}

export function useInstanceInfo() {
  return useQuery({ queryKey: ['info'], staleTime: Infinity, queryFn: () => unwrap(api.GET('/info', {})) });
}
