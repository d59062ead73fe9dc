//! The generated city as the engine and the stores take it: domain records in code order.

use std::sync::Arc;

use anyhow::Context;
use geo::{Coord, Geometry, LineString, MultiPolygon, Polygon};
use uuid::Uuid;

use super::areas::{CityArea, SEED};
use super::people::{CityBuilding, CityHousehold};
use super::stations::CityStation;
use crate::demo::rng::Rng;
use crate::demo::topology::{Rings, Topology};
use crate::domain::{Area, Building, Code, Household, LonLat, Station, StationKind};
use crate::index::Dataset;

fn code(s: &str) -> anyhow::Result<Code> {
    Code::parse(s).with_context(|| format!("generated code {s:?}"))
}

fn closed(points: impl Iterator<Item = [f64; 2]>) -> LineString<f64> {
    let mut coords: Vec<Coord<f64>> = points.map(|[x, y]| Coord { x, y }).collect();
    if let Some(&first) = coords.first() {
        coords.push(first);
    }
    LineString::new(coords)
}

fn polygon(topo: &Topology, rings: &Rings) -> Polygon<f64> {
    let rings = topo.expand(rings);
    let ring = |r: &Vec<u32>| closed(r.iter().map(|&v| topo.coord(v)));
    Polygon::new(ring(&rings.exterior), rings.holes.iter().map(ring).collect())
}

/// A stable random (version 4 shaped) id per area code.
fn area_id(code: &str) -> Uuid {
    let mut rng = Rng::keyed(SEED, &format!("id/{code}"));
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
    bytes[8..].copy_from_slice(&rng.next_u64().to_le_bytes());
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

fn location(p: [f64; 2]) -> anyhow::Result<LonLat> {
    LonLat::new(p[0], p[1]).with_context(|| format!("generated point {p:?}"))
}

pub fn dataset(
    topo: &Topology,
    areas: &[CityArea],
    buildings: &[CityBuilding],
    households: &[CityHousehold],
    stations: &[CityStation],
) -> anyhow::Result<Dataset> {
    let mut out_areas = Vec::with_capacity(areas.len());
    for a in areas {
        out_areas.push(Area {
            id: area_id(&a.code),
            code: code(&a.code)?,
            name: a.name.clone(),
            level: a.level,
            parent_code: a.parent.map(|p| code(&areas[p].code)).transpose()?,
            leader_name: a.leader.as_ref().map(|l| l.0.clone()),
            leader_phone: a.leader.as_ref().map(|l| l.1.clone()),
            properties: Default::default(),
            geometry: MultiPolygon::new(a.parts.iter().map(|p| polygon(topo, p)).collect()),
            version: 1,
        });
    }
    out_areas.sort_by(|a, b| a.code.cmp(&b.code));

    let out_buildings = buildings
        .iter()
        .map(|b| {
            Ok(Building {
                code: code(&b.code)?,
                address: Some(b.address.clone()),
                floors: Some(b.floors as i32),
                properties: Default::default(),
                geometry: Geometry::Polygon(Polygon::new(closed(b.footprint.iter().copied()), vec![])),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;

    let out_households = households
        .iter()
        .map(|h| {
            Ok(Household {
                code: code(&h.code)?,
                head_name: Some(h.head_name.clone()),
                phone: Some(h.phone.clone()),
                members: Some(h.members as i32),
                address: Some(h.address.clone()),
                building_code: h.building.map(|b| code(&buildings[b].code)).transpose()?,
                party_member: h.party_member,
                center_household: h.center_household,
                center_code: h.center.map(|c| code(&households[c].code)).transpose()?,
                properties: Default::default(),
                location: location(h.location)?,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;

    let out_stations = stations
        .iter()
        .map(|s| {
            Ok(Station {
                code: code(&s.code)?,
                kind: StationKind::parse(s.kind).map_err(anyhow::Error::msg)?,
                name: Some(s.name.clone()),
                tier: s.tier.map(str::to_owned),
                phone: Some(s.phone.clone()),
                open_hours: Some(s.open_hours.to_owned()),
                services: s.services.iter().map(|x| (*x).to_owned()).collect(),
                properties: Default::default(),
                location: location(s.location)?,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;

    Ok(Dataset {
        areas: Arc::new(out_areas),
        buildings: Arc::new(out_buildings),
        households: Arc::new(out_households),
        stations: Arc::new(out_stations),
        paths: Default::default(),
    })
}
