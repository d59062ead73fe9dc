//! Party members (党员户), party-member center households (党员中心户) and the households each
//! center looks after (联系户), and the leaders (屋场长) of red house-yards.
//!
//! Within each leaf area (a red yard in 李庙镇, else a grid) about one household in 14 is made a
//! center household, spread out by farthest-point selection so that each looks after its
//! neighbourhood; a further ~2 % of households are party members. Every other household is linked
//! to its nearest center (metres on the ground) in the same leaf, hence in the same grid. A red
//! yard's leader is its first center household, the one nearest the middle of the yard.

use serde_json::Value;

use super::SEED;
use super::frame::Frame;
use super::model::{DemoArea, DemoHousehold};
use super::rng::Rng;
use crate::domain::Level;

/// Households per center household, on average.
const PER_CENTER: f64 = 14.0;
/// Share of the other households that are party members too.
const OTHER_MEMBERS: f64 = 0.02;

/// Marks party members and centers, links households to centers, and sets red-yard leaders.
/// `households` must be grouped by leaf (as the generator produces them).
pub fn assign(households: &mut [DemoHousehold], areas: &mut [DemoArea]) {
    let mut start = 0;
    while start < households.len() {
        let leaf = households[start].leaf;
        let end = start + households[start..].iter().take_while(|h| h.leaf == leaf).count();
        let group = &mut households[start..end];
        let first = assign_group(group, &areas[leaf].code);
        if areas[leaf].level == Level::RedYard {
            let c = &group[first];
            areas[leaf].leader_name = Some(c.head_name.clone());
            areas[leaf].leader_phone = Some(c.phone.clone());
            areas[leaf]
                .extra
                .insert("leader_household_code".into(), Value::from(c.code.clone()));
        }
        start = end;
    }
}

/// Works on one leaf's households; returns the index of the first (most central) center.
fn assign_group(group: &mut [DemoHousehold], code: &str) -> usize {
    let n = group.len();
    let f = Frame::at(group[0].location[0], group[0].location[1]);
    let pos: Vec<[f64; 2]> = group.iter().map(|h| f.to_m(h.location)).collect();
    let mean = pos
        .iter()
        .fold([0.0, 0.0], |a, p| [a[0] + p[0] / n as f64, a[1] + p[1] / n as f64]);
    let d2 = |a: [f64; 2], b: [f64; 2]| (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2);
    let n_centers = ((n as f64 / PER_CENTER).round() as usize).clamp(1, n);
    let first = (0..n)
        .min_by(|&a, &b| d2(pos[a], mean).total_cmp(&d2(pos[b], mean)))
        .unwrap_or(0);
    let mut centers = vec![first];
    let mut nearest: Vec<f64> = pos.iter().map(|p| d2(*p, pos[first])).collect();
    while centers.len() < n_centers {
        // Farthest from every center so far (ties: lowest index, as max_by keeps the last maximum).
        let next = (0..n)
            .rev()
            .max_by(|&a, &b| nearest[a].total_cmp(&nearest[b]))
            .unwrap_or(0);
        centers.push(next);
        for (i, p) in pos.iter().enumerate() {
            nearest[i] = nearest[i].min(d2(*p, pos[next]));
        }
    }
    let mut rng = Rng::keyed(SEED, &format!("party/{code}"));
    for &c in &centers {
        group[c].center_household = true;
        group[c].party_member = true;
    }
    for i in 0..n {
        if group[i].center_household {
            continue;
        }
        group[i].party_member = rng.chance(OTHER_MEMBERS);
        let c = centers
            .iter()
            .copied()
            .min_by(|&a, &b| d2(pos[i], pos[a]).total_cmp(&d2(pos[i], pos[b])))
            .unwrap_or(first);
        group[i].center_code = Some(group[c].code.clone());
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    fn household(i: usize, x: f64) -> DemoHousehold {
        DemoHousehold {
            code: format!("H{i}"),
            head_name: "某".into(),
            phone: "10000000000".into(),
            members: 1,
            address: String::new(),
            building_code: String::new(),
            party_member: false,
            center_household: false,
            center_code: None,
            location: [112.0 + x, 32.0],
            leaf: 0,
        }
    }

    #[test]
    fn centers_are_spread_and_everyone_else_is_linked_to_the_nearest() {
        let mut g: Vec<DemoHousehold> = (0..28).map(|i| household(i, i as f64 * 0.001)).collect();
        let first = assign_group(&mut g, "T");
        assert!(g[first].center_household);
        let centers: Vec<usize> = (0..28).filter(|&i| g[i].center_household).collect();
        assert_eq!(centers.len(), 2);
        assert!(
            centers.contains(&0) || centers.contains(&27),
            "the second center is at an end: {centers:?}"
        );
        for h in &g {
            assert_eq!(h.center_code.is_none(), h.center_household);
        }
    }
}
