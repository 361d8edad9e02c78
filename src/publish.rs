//! GitHub Pages publishing (not implemented yet).
