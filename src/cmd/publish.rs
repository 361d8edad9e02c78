//! `wirebook publish` and `wirebook init-ci`.

use anyhow::{bail, Result};

use crate::cli::{InitCiArgs, PublishArgs};

pub fn run(_args: PublishArgs) -> Result<()> {
    bail!("publish is not implemented yet")
}

pub fn init_ci(_args: InitCiArgs) -> Result<()> {
    bail!("init-ci is not implemented yet")
}
