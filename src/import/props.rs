//! Typed access to a feature's properties: each known name is taken out with a type check, and what
//! remains is kept as the feature's extra properties.

use serde_json::Value;

use crate::domain::{Code, Properties, clip};

/// A feature's properties being consumed. Values from CSV arrive as strings, so every accessor also
/// accepts the string form of its type.
pub struct Props(Properties);

impl Props {
    pub fn new(map: Properties) -> Self {
        Self(map)
    }

    /// The properties not taken, with nulls dropped.
    pub fn rest(self) -> Properties {
        self.0.into_iter().filter(|(_, v)| !v.is_null()).collect()
    }

    /// Refuses U+0000 anywhere in the properties, naming the property. PostgreSQL's text and jsonb
    /// cannot hold it while SQLite can, so without this one file would import into one store and
    /// fail in the other, with a message that names no feature.
    pub fn refuse_nul(&self) -> Result<(), String> {
        fn has_nul(v: &Value) -> bool {
            match v {
                Value::String(s) => s.contains('\0'),
                Value::Array(items) => items.iter().any(has_nul),
                Value::Object(m) => m.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
                _ => false,
            }
        }
        match self.0.iter().find(|(k, v)| k.contains('\0') || has_nul(v)) {
            Some((key, _)) => Err(format!(
                "property {:?} contains a NUL character (U+0000), which gridmap cannot store",
                clip(key)
            )),
            None => Ok(()),
        }
    }

    /// The raw `code` value as text, for naming the feature in messages before it is checked.
    pub fn peek_code(&self) -> Option<String> {
        match self.0.get("code") {
            Some(Value::String(s)) => Some(s.chars().take(Code::MAX_LEN).collect()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        }
    }

    fn take(&mut self, key: &str) -> Option<Value> {
        match self.0.remove(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(v) => Some(v),
        }
    }

    pub fn string(&mut self, key: &str) -> Result<Option<String>, String> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(other) => Err(format!("property '{key}' must be text, got {}", kind(&other))),
        }
    }

    pub fn required_string(&mut self, key: &str) -> Result<String, String> {
        self.string(key)?.ok_or_else(|| format!("property '{key}' is required"))
    }

    pub fn code(&mut self, key: &str) -> Result<Option<Code>, String> {
        self.string(key)?
            .map(|s| Code::parse(&s).map_err(|e| format!("property '{key}': {e}")))
            .transpose()
    }

    pub fn required_code(&mut self, key: &str) -> Result<Code, String> {
        self.code(key)?.ok_or_else(|| format!("property '{key}' is required"))
    }

    /// An integer in `min..=max`.
    pub fn int(&mut self, key: &str, min: i32, max: i32) -> Result<Option<i32>, String> {
        let n = match self.take(key) {
            None => return Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .ok_or_else(|| format!("property '{key}' must be a whole number, got {n}"))?,
            Some(Value::String(s)) => s
                .trim()
                .parse::<i64>()
                .map_err(|_| format!("property '{key}' must be a whole number, got {:?}", clip(&s)))?,
            Some(other) => return Err(format!("property '{key}' must be a whole number, got {}", kind(&other))),
        };
        if n < min as i64 || n > max as i64 {
            return Err(format!("property '{key}' must be between {min} and {max}, got {n}"));
        }
        Ok(Some(n as i32))
    }

    /// A boolean; `true`/`false`, `1`/`0` and `是`/`否` are understood. Missing means false.
    pub fn flag(&mut self, key: &str) -> Result<bool, String> {
        match self.take(key) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(b),
            Some(Value::Number(n)) if n.as_u64() == Some(0) => Ok(false),
            Some(Value::Number(n)) if n.as_u64() == Some(1) => Ok(true),
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "是" => Ok(true),
                "false" | "0" | "no" | "否" => Ok(false),
                _ => Err(format!("property '{key}' must be true or false, got {:?}", clip(&s))),
            },
            Some(other) => Err(format!("property '{key}' must be true or false, got {}", kind(&other))),
        }
    }

    /// A list of strings: a JSON array, or text separated by `;` (the CSV form).
    pub fn list(&mut self, key: &str) -> Result<Vec<String>, String> {
        match self.take(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.trim().to_owned()),
                    other => Err(format!(
                        "property '{key}' must be a list of text, found {}",
                        kind(&other)
                    )),
                })
                .collect(),
            Some(Value::String(s)) => Ok(s
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()),
            Some(other) => Err(format!("property '{key}' must be a list of text, got {}", kind(&other))),
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn props(v: Value) -> Props {
        Props::new(v.as_object().unwrap().clone())
    }

    #[test]
    fn takes_typed_values_and_keeps_the_rest() {
        let mut p =
            props(json!({"code": "H1", "members": "3", "party_member": "是", "services": "调解;代办", "note": "x"}));
        assert_eq!(p.required_code("code").unwrap().as_str(), "H1");
        assert_eq!(p.int("members", 0, 100).unwrap(), Some(3));
        assert!(p.flag("party_member").unwrap());
        assert_eq!(p.list("services").unwrap(), ["调解", "代办"]);
        assert_eq!(p.rest(), json!({"note": "x"}).as_object().unwrap().clone());
    }

    #[test]
    fn messages_name_the_property() {
        let mut p = props(json!({"floors": "three", "members": 500, "center_household": "maybe"}));
        assert_eq!(
            p.int("floors", 0, 200).unwrap_err(),
            "property 'floors' must be a whole number, got \"three\""
        );
        assert_eq!(
            p.int("members", 0, 100).unwrap_err(),
            "property 'members' must be between 0 and 100, got 500"
        );
        assert!(p.flag("center_household").unwrap_err().contains("'center_household'"));
        assert_eq!(p.required_string("name").unwrap_err(), "property 'name' is required");
    }
}
