// GCJ-02 / BD-09 → WGS 84 for drawing a typed point (the server converts for the queries).
function gcjOffset(lon: number, lat: number): [number, number] {
  const a = 6378245.0, ee = 0.006693421622965943;
  const x = lon - 105, y = lat - 35;
  let dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dLat += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  dLat += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  dLat += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  let dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dLon += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  dLon += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  dLon += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  const rad = (lat / 180) * Math.PI;
  const magic = 1 - ee * Math.sin(rad) ** 2;
  const sq = Math.sqrt(magic);
  return [(dLon * 180) / ((a / sq) * Math.cos(rad) * Math.PI), (dLat * 180) / (((a * (1 - ee)) / (magic * sq)) * Math.PI)];
}

export function toWgs84(lon: number, lat: number, crs: string): [number, number] {
  if (crs === 'bd09') {
    const x = lon - 0.0065, y = lat - 0.006;
    const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * Math.PI * 3000 / 180);
    const th = Math.atan2(y, x) - 0.000003 * Math.cos(x * Math.PI * 3000 / 180);
    [lon, lat] = [z * Math.cos(th), z * Math.sin(th)];
  } else if (crs !== 'gcj02') {
    return [lon, lat];
  }
  let w: [number, number] = [lon, lat];
  for (let i = 0; i < 5; i++) {
    const d = gcjOffset(w[0], w[1]);
    w = [lon - d[0], lat - d[1]];
  }
  return w;
}
