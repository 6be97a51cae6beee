//! Facebook friends export (JSON).
