import { geoNaturalEarth1, geoPath } from 'd3-geo';
import { Tooltip } from '@mantine/core';
import { useMemo } from 'react';
import { useNavigate } from 'react-router-dom';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import land from 'world-atlas/land-110m.json';

export interface MapMarker {
  uid: string;
  name: string;
  online: boolean;
  latitude: number;
  longitude: number;
}

const width = 960;
const height = 500;

/** A world map drawn from bundled data (no tile server: self-hosted installations may have no Internet). */
export function WorldMap({ markers }: { markers: MapMarker[] }) {
  const navigate = useNavigate();
  const { landPath, projection } = useMemo(() => {
    const topology = land as unknown as Topology<{ land: GeometryCollection }>;
    const shape = feature(topology, topology.objects.land);
    const projection = geoNaturalEarth1().fitSize([width, height], shape);
    return { landPath: geoPath(projection)(shape) ?? '', projection };
  }, []);
  const online = markers.filter((marker) => marker.online).length;
  return (
    <svg
      className="world-map"
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      role="img"
      aria-label={`World map of ${markers.length} located devices: ${online} online, ${markers.length - online} offline`}
    >
      <path className="land" d={landPath} />
      {markers.map((marker) => {
        const point = projection([marker.longitude, marker.latitude]);
        if (!point) return null;
        return (
          <Tooltip key={marker.uid} label={`${marker.name}: ${marker.online ? 'online' : 'offline'}`} withinPortal>
            <circle
              cx={point[0]}
              cy={point[1]}
              r={7}
              fill={marker.online ? 'var(--mantine-color-teal-6)' : 'var(--mantine-color-gray-6)'}
              stroke="var(--mantine-color-body)"
              strokeWidth={2}
              tabIndex={0}
              role="link"
              aria-label={`${marker.name}, ${marker.online ? 'online' : 'offline'}`}
              style={{ cursor: 'pointer' }}
              onClick={() => navigate(`/devices/${marker.uid}`)}
              onKeyDown={(event) => event.key === 'Enter' && navigate(`/devices/${marker.uid}`)}
            />
          </Tooltip>
        );
      })}
    </svg>
  );
}
