//! Merging the records of one person into the view that exports show.
