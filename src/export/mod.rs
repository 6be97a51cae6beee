//! Exports: JSON Lines, vCard 4.0 and CSV.
