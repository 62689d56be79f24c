import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Text } from '@mantine/core';
import dayjs from 'dayjs';
import { type AuditPeriod, bucketAuditEvents } from './audit-view';

const palette = ['blue.6', 'red.6', 'teal.6', 'orange.6', 'grape.6', 'yellow.6', 'cyan.6', 'pink.6', 'lime.6', 'indigo.6', 'gray.6'];

/** Events over time, stacked by kind: what the list below holds, drawn by hour (or by the period's bucket). */
export function AuditChart({ events, period, now }: { events: ReadonlyArray<{ kind: string; at: string }>; period: AuditPeriod; now: number }) {
  const format = period === '1h' || period === '24h' ? 'HH:mm' : period === '7d' ? 'ddd HH:mm' : 'MM-DD';
  const { buckets, kinds } = bucketAuditEvents(events, period, now, (start) => dayjs(start).format(format));
  if (kinds.length === 0) return <Text c="dimmed" size="sm">No event in this period.</Text>;
  return (
    <BarChart
      h={220}
      data={buckets}
      dataKey="label"
      type="stacked"
      withLegend
      aria-label="Gateway events over time, by kind"
      series={kinds.map((kind, index) => ({ name: kind, color: palette[index % palette.length] }))}
    />
  );
}
