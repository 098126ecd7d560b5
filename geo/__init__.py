"""Pure geometry: coordinates, GeoJSON, distances. Depends on shapely, never on Flask."""
