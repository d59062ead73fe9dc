//! One broken feature among good ones: the import is refused as a whole, and the one problem listed
//! names that feature (its index, and its code when it has a readable one) and says what is wrong.

use gridmap::domain::Layer;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::cases::fuzz_config;
use crate::fixtures::{Collection, Shape, any_collection, file, hubei, parse};
use crate::invariants::{check, describe, refused_at};

/// What is broken in the chosen feature.
#[derive(Debug, Clone)]
pub enum Break {
    /// One position outside -180..180 / -90..90 (or, where the pair reads as Chinese when turned
    /// around, reported as swapped).
    OutOfRange([f64; 2]),
    /// A position in Hubei written latitude first, e.g. (32, 112).
    Swapped([f64; 2]),
    /// The exterior ring's last position dropped, so it no longer ends where it starts.
    Unclosed,
    /// The exterior ring cut to fewer than four positions.
    TooFewPositions(usize),
    /// A ring crossing itself: the bow-tie.
    BowTie,
    /// A hole outside its polygon's exterior.
    HoleOutside,
    /// A ring whose positions lie on one line, enclosing nothing.
    Collinear,
    /// `"coordinates": []`.
    EmptyCoordinates,
    NullGeometry,
    NoGeometry,
    /// A geometry type the layer does not take.
    WrongType(&'static str),
    /// A known property with a value it cannot have; the reason must contain the needle.
    Property {
        key: &'static str,
        value: Value,
        needle: &'static str,
    },
    /// A code that is not a code.
    Code(Value),
    /// A known property, or the geometry's type, given as text thousands of characters long: refused,
    /// and quoted only in part.
    Huge {
        key: &'static str,
        needle: &'static str,
        text: String,
    },
    /// U+0000 inside a text property or an unknown one, which one of the stores cannot hold.
    Nul {
        key: &'static str,
        nested: bool,
    },
    /// An unknown property nested thousands deep (a parser recursing on it would overflow the stack).
    Deep {
        depth: usize,
        objects: bool,
    },
}

impl Break {
    /// Words one of which the reason must contain.
    fn needles(&self) -> Vec<&'static str> {
        match self {
            Break::OutOfRange(_) => vec!["out of range", "swapped"],
            Break::Swapped(_) => vec!["swapped"],
            Break::Unclosed => vec!["not closed"],
            Break::TooFewPositions(_) => vec!["at least 4"],
            Break::BowTie => vec!["intersects itself"],
            Break::HoleOutside => vec!["not inside"],
            Break::Collinear => vec!["no area"],
            Break::EmptyCoordinates => vec!["no rings", "no polygons", "two or more elements"],
            Break::NullGeometry | Break::NoGeometry => vec!["no geometry"],
            Break::WrongType(t) => vec![if *t == "Point" { "found Point" } else { "found" }],
            Break::Property { needle, .. } => vec![needle],
            Break::Code(_) => vec!["'code'"],
            Break::Huge { needle, .. } => vec![needle],
            Break::Nul { .. } => vec!["NUL character"],
            Break::Deep { .. } => vec!["recursion limit"],
        }
    }
}

/// Breaks that apply to a feature of `layer` whose shape is polygonal or not.
fn breaks(layer: Layer, polygonal: bool) -> BoxedStrategy<Break> {
    let out_of_range = prop_oneof![
        (
            prop_oneof![180.000_001f64..1e300, -1e300f64..-180.000_001],
            -90.0f64..=90.0
        )
            .prop_map(|(x, y)| [x, y]),
        (
            -180.0f64..=180.0,
            prop_oneof![90.000_001f64..1e300, -1e300f64..-90.000_001]
        )
            .prop_map(|(x, y)| [x, y]),
    ]
    .prop_map(Break::OutOfRange);
    let swapped = hubei().prop_map(|[lon, lat]| Break::Swapped([lat, lon]));
    let code = prop_oneof![
        Just(json!("")),
        Just(json!("   ")),
        Just(json!("a b")),
        Just(json!("420624<script>")),
        Just(json!("x'; DROP TABLE areas; --")),
        Just(json!("9".repeat(65))),
        Just(json!({"code": "1"})),
        Just(json!(true)),
        Just(json!(["H1"])),
    ]
    .prop_map(Break::Code);
    let nul = (
        prop::sample::select(vec!["name", "address", "phone", "head_name", "x_note"]),
        any::<bool>(),
    )
        .prop_map(|(key, nested)| Break::Nul { key, nested });
    let deep = (129usize..5000, any::<bool>()).prop_map(|(depth, objects)| Break::Deep { depth, objects });
    let common = prop_oneof![
        out_of_range,
        swapped,
        Just(Break::NullGeometry),
        Just(Break::NoGeometry),
        Just(Break::EmptyCoordinates),
        code,
        nul,
        deep,
    ];
    let property = |key, value: Value, needle| Break::Property { key, value, needle };
    let properties: Vec<Break> = match layer {
        Layer::Areas => vec![
            property("level", json!("village"), "'level'"),
            property("level", json!(5), "'level'"),
            property("level", json!("County"), "'level'"),
            property("name", Value::Null, "'name' is required"),
            property("name", json!("  "), "'name' is required"),
            property("name", json!({"zh": "南漳"}), "'name' must be text"),
            property("parent_code", json!("420600"), "no parent_code"),
        ],
        Layer::Buildings => vec![
            property("floors", json!(301), "'floors'"),
            property("floors", json!(-1), "'floors'"),
            property("floors", json!("three"), "'floors'"),
            property("floors", json!(2.5), "'floors'"),
            property("floors", json!(1e300), "'floors'"),
        ],
        Layer::Households => vec![
            property("members", json!(101), "'members'"),
            property("members", json!("-1"), "'members'"),
            property("members", json!(1.5), "'members'"),
            property("party_member", json!("maybe"), "'party_member'"),
            property("party_member", json!(2), "'party_member'"),
            property("center_household", json!([true]), "'center_household'"),
            property("building_code", json!("b 1"), "'building_code'"),
        ],
        Layer::Stations => vec![
            property("kind", Value::Null, "'kind' is required"),
            property("kind", json!("Red Station"), "station kind"),
            property("kind", json!("x".repeat(41)), "station kind"),
            property("tier", json!("galaxy"), "'tier'"),
            property("services", json!([1, 2]), "'services'"),
            property("services", json!({"a": "b"}), "'services'"),
        ],
        Layer::Paths => vec![property("name", json!({"zh": "东西路"}), "'name' must be text")],
    };
    let huge_keys: Vec<(&'static str, &'static str)> = match layer {
        Layer::Areas => vec![("level", "'level'"), ("parent_code", "'parent_code'")],
        Layer::Buildings => vec![("floors", "'floors'"), ("code", "'code'")],
        Layer::Households => vec![
            ("members", "'members'"),
            ("party_member", "'party_member'"),
            ("center_code", "'center_code'"),
        ],
        Layer::Stations => vec![("tier", "'tier'"), ("kind", "station kind")],
        Layer::Paths => vec![("name", "'name'")],
    }
    .into_iter()
    .chain([("@type", "unknown variant")])
    .collect();
    let huge = (
        prop::sample::select(huge_keys),
        // Not blank: blank text counts as absent.
        "[a-z<>'\"\\\\网][a-z<>'\"\\\\\u{3000}网]{0,2}",
        1000usize..50_000,
    )
        .prop_map(|((key, needle), unit, times)| Break::Huge {
            key,
            needle,
            text: unit.repeat(times),
        });
    let wrong: Vec<&'static str> = match (layer, polygonal) {
        (Layer::Areas, _) => vec![
            "Point",
            "LineString",
            "MultiPoint",
            "MultiLineString",
            "GeometryCollection",
        ],
        (Layer::Buildings, _) => vec!["LineString", "MultiPoint", "MultiLineString", "GeometryCollection"],
        _ => vec!["Polygon", "LineString", "MultiPoint", "GeometryCollection"],
    };
    let by_layer = prop_oneof![
        prop::sample::select(properties),
        prop::sample::select(wrong).prop_map(Break::WrongType),
        huge,
    ];
    if polygonal {
        let shaped = prop_oneof![
            Just(Break::Unclosed),
            (0usize..4).prop_map(Break::TooFewPositions),
            Just(Break::BowTie),
            Just(Break::HoleOutside),
            Just(Break::Collinear),
        ];
        prop_oneof![2 => common, 1 => by_layer, 2 => shaped].boxed()
    } else {
        prop_oneof![2 => common, 1 => by_layer].boxed()
    }
}

/// A collection, the index of the feature to break, and how.
pub fn broken() -> impl Strategy<Value = (Collection, usize, Break)> {
    any_collection().prop_flat_map(|c| {
        let n = c.features.len();
        (Just(c), 0..n).prop_flat_map(|(c, i)| {
            let polygonal = !matches!(c.features[i].shape, Shape::Point(_));
            let b = breaks(c.layer, polygonal);
            (Just(c), Just(i), b)
        })
    })
}

/// The exterior ring of the first polygon of a polygonal feature.
fn exterior(feature: &mut Value) -> &mut Vec<Value> {
    let g = &mut feature["geometry"];
    let rings = if g["type"] == "Polygon" {
        &mut g["coordinates"]
    } else {
        &mut g["coordinates"][0]
    };
    rings[0].as_array_mut().expect("a ring")
}

fn nested(depth: usize, objects: bool) -> String {
    let (open, close) = if objects { ("{\"a\":", "}") } else { ("[", "]") };
    format!("{}0{}", open.repeat(depth), close.repeat(depth))
}

/// The file with feature `index` of `c` broken by `b`.
pub fn apply(c: &Collection, index: usize, b: &Break) -> Vec<u8> {
    let mut v = c.to_json();
    let f = &mut v["features"][index];
    let [x, y] = c.features[index].shape.anchor();
    let square = |x: f64, y: f64, h: f64| {
        json!([
            [x - h, y - h],
            [x - h, y + h],
            [x + h, y + h],
            [x + h, y - h],
            [x - h, y - h]
        ])
    };
    match b {
        Break::OutOfRange(p) | Break::Swapped(p) => {
            if f["geometry"]["type"] == "Point" {
                f["geometry"]["coordinates"] = json!(p);
            } else {
                // A middle position, so the ring stays closed and the position is what is wrong.
                exterior(f)[1] = json!(p);
            }
        }
        Break::Unclosed => {
            exterior(f).pop();
        }
        Break::TooFewPositions(n) => exterior(f).truncate(*n),
        Break::BowTie => {
            let h = 0.01;
            f["geometry"] = json!({"type": "Polygon", "coordinates": [[[x - h, y - h], [x + h, y + h], [x + h, y - h], [x - h, y + h], [x - h, y - h]]]});
        }
        Break::HoleOutside => {
            let g = &mut f["geometry"];
            let polygon = if g["type"] == "Polygon" {
                &mut g["coordinates"]
            } else {
                &mut g["coordinates"][0]
            };
            let mut hole = square(x, y + 1.0, 0.01);
            hole.as_array_mut().unwrap().reverse();
            polygon.as_array_mut().unwrap().push(hole);
        }
        Break::Collinear => {
            f["geometry"] = json!({"type": "Polygon", "coordinates": [[[x, y], [x + 0.01, y], [x + 0.02, y], [x, y]]]});
        }
        Break::EmptyCoordinates => f["geometry"]["coordinates"] = json!([]),
        Break::NullGeometry => f["geometry"] = Value::Null,
        Break::NoGeometry => {
            f.as_object_mut().unwrap().remove("geometry");
        }
        Break::WrongType(t) => {
            f["geometry"] = match *t {
                "Point" => json!({"type": "Point", "coordinates": [x, y]}),
                "Polygon" => json!({"type": "Polygon", "coordinates": [square(x, y, 0.01)]}),
                "LineString" => json!({"type": t, "coordinates": [[x, y], [x + 0.01, y]]}),
                "MultiPoint" => json!({"type": t, "coordinates": [[x, y], [x + 0.01, y]]}),
                "MultiLineString" => json!({"type": t, "coordinates": [[[x, y], [x + 0.01, y]]]}),
                _ => json!({"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [x, y]}]}),
            }
        }
        Break::Property { key, value, .. } => {
            f["properties"][*key] = value.clone();
            if *key == "parent_code" {
                // A county cannot have a parent: the file says so for a county.
                f["properties"]["level"] = "county".into();
            }
        }
        Break::Code(code) => {
            f["properties"]["code"] = code.clone();
        }
        Break::Huge { key: "@type", text, .. } => f["geometry"]["type"] = text.clone().into(),
        Break::Huge { key, text, .. } => {
            f["properties"][*key] = text.clone().into();
            if *key == "parent_code" {
                // Only a level below county may have a parent; the long code is what is wrong.
                f["properties"]["level"] = "township".into();
            }
        }
        Break::Nul { key, nested } => {
            let text = "第一\u{0}第二";
            f["properties"][*key] = if *nested {
                json!({"list": [1, text]})
            } else {
                text.into()
            };
        }
        Break::Deep { .. } => f["properties"]["x_deep"] = "@DEEP@".into(),
    }
    let text = v.to_string();
    match b {
        // Built as text: serde_json's own `Value` refuses to build (and to drop) such depth safely.
        Break::Deep { depth, objects } => text.replace("\"@DEEP@\"", &nested(*depth, *objects)).into_bytes(),
        _ => text.into_bytes(),
    }
}

proptest! {
    #![proptest_config(fuzz_config(384))]

    /// One broken feature: refused, and that feature is the one named, with the reason.
    #[test]
    fn a_broken_feature_is_named((c, index, b) in broken()) {
        let files = [file("broken.geojson", apply(&c, index, &b))];
        let result = parse(c.layer, c.crs, &files);
        check(c.layer, &files, Some(&[c.features.len()]), &result);
        let code = refused_at(&result, index, &b.needles());
        // A readable code is quoted so the person can find the feature; a broken one may be absent.
        if !matches!(b, Break::Code(_) | Break::Huge { key: "code", .. }) {
            prop_assert_eq!(code.as_deref(), Some(c.features[index].code.as_str()), "{}", describe(&result));
        }
    }

    /// A code used twice: the later feature is named, and the message points at the first.
    #[test]
    fn duplicate_codes_name_both_features(c in any_collection().prop_filter("two features", |c| c.features.len() > 1), pick in any::<(prop::sample::Index, prop::sample::Index)>()) {
        let n = c.features.len();
        let first = pick.0.index(n - 1);
        let second = first + 1 + pick.1.index(n - first - 1);
        let mut dup = c.clone();
        dup.features[second].code = c.features[first].code.clone();
        let files = [dup.file()];
        let result = parse(c.layer, c.crs, &files);
        check(c.layer, &files, Some(&[n]), &result);
        refused_at(&result, second, &[&format!("already used by layer.geojson: feature {first}")]);
    }
}
