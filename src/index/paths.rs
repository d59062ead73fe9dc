//! The path network: the stored paths by code, and the walking graph built from them.

use std::collections::HashMap;
use std::sync::Arc;

use crate::domain::{Code, Path};
use crate::network::Network;

pub struct PathIndex {
    all: Arc<Vec<Path>>,
    by_code: HashMap<Code, u32>,
    network: Network,
}

impl PathIndex {
    pub fn new(all: Arc<Vec<Path>>) -> Self {
        let by_code = all
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.clone(), i as u32))
            .collect();
        let network = Network::build(all.iter().flat_map(|p| p.geometry.iter()));
        Self { all, by_code, network }
    }

    pub fn get(&self, i: u32) -> &Path {
        &self.all[i as usize]
    }

    pub fn all(&self) -> &Arc<Vec<Path>> {
        &self.all
    }

    pub fn find(&self, code: &Code) -> Option<u32> {
        self.by_code.get(code).copied()
    }

    pub fn len(&self) -> usize {
        self.all.len()
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    /// The walking graph, `None` when no paths are loaded.
    pub fn network(&self) -> Option<&Network> {
        (!self.network.is_empty()).then_some(&self.network)
    }
}
