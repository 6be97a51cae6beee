//! Clustering scored pairs into people, with the user's decisions.
//!
//! In: the number of records, scored edges (pairs with a match probability), each record's
//! canonical rank, must-link and cannot-link pairs, and [`Thresholds`]. Out: a partition of the
//! records, the edges that joined clusters (the explanation of every automatic merge), and the
//! pairs left for review.
//!
//! The method: constrained greedy agglomeration, strongest edge first (Kruskal's order).
//!
//! 1. Must-link pairs join their whole clusters first.
//! 2. Edges at or above `accept`, by weight descending (ties by the records' canonical ranks),
//!    join their two clusters unless
//!    - a cannot-link pair would end up in one cluster (cannot-link wins over any automatic
//!      edge, and over a must-link that contradicts it), or the edge is `nameless` and a pair
//!      the engine vetoed (an edge that is not `automatic`) would end up in one cluster: Marie
//!      and Piet de Vries (a couple, vetoed) do not become one person through a third record
//!      `Fam. de Vries` with their address. An edge whose given names agree (`Roy` / `Roy`) can
//!      tell them apart and joins as usual; a must-link always can, or
//!    - the edge is below `strong`, both clusters have more than one record, and fewer than
//!      `support` edges at or above `review` run between the two clusters.
//!
//!    The second rule is what keeps one weak link from chaining unrelated people: A–B and C–D
//!    are certain, B–C is merely likely; B–C alone does not make {A, B} and {C, D} one person,
//!    but if A–C or A–D (or B–D) also scores in the review band, the two clusters support each
//!    other and join. A single record joining a cluster needs no support: its edge is all the
//!    evidence there is (its other pairs are often not comparable at all: a LinkedIn record
//!    without phone next to a phone-book record without company), exactly as for two single
//!    records. Strong edges join without support.
//! 3. Pairs at or above `review` that did not end up in one cluster (and are not cannot-linked)
//!    are the uncertain ones for the user to decide.
//!
//! Deterministic: the order of edges depends only on weights and canonical ranks, union-find
//! keeps member lists, and clusters come out in canonical form (named by their smallest member).
//! What it does not do: score pairs, or undo a user's must-link (only a cannot-link can).

use super::identity::Clusters;

/// A scored pair of records.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub a: u32,
    pub b: u32,
    /// Match weight (log2 Bayes factor).
    pub weight: f64,
    /// Probability of "same person".
    pub probability: f64,
    /// Whether this edge may join clusters on its own evidence (the engine vetoes some, such as
    /// two different given names).
    pub automatic: bool,
    /// The edge says nothing about given names (one record has none, or only initials): it
    /// cannot tell two people with different given names apart, so it may not join clusters
    /// that hold a vetoed pair between them.
    pub nameless: bool,
}

/// Probability thresholds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// An edge at or above this joins clusters (subject to the rules above).
    pub accept: f64,
    /// An edge at or above this joins clusters without support.
    pub strong: f64,
    /// The lower end of the review band; also what counts as a supporting edge.
    pub review: f64,
    /// Supporting edges needed for a mid-band edge between two clusters of several records.
    pub support: usize,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            accept: 0.95,
            strong: 0.999,
            review: 0.5,
            support: 2,
        }
    }
}

/// The outcome of clustering.
#[derive(Debug, Clone, PartialEq)]
pub struct Partition {
    pub clusters: Clusters,
    /// Indexes into the edges that joined two clusters, in the order they did.
    pub joined: Vec<usize>,
    /// Indexes into the edges left for review, by weight descending then `(a, b)`.
    pub uncertain: Vec<usize>,
}

struct Sets {
    parent: Vec<u32>,
    members: Vec<Vec<u32>>,
    /// Records that may never share a cluster with this one (kept at the root).
    cannot: Vec<Vec<u32>>,
    /// Records that no automatic edge may bring into this cluster (vetoed pairs).
    vetoed: Vec<Vec<u32>>,
}

impl Sets {
    fn new(n: usize) -> Sets {
        Sets {
            parent: (0..n as u32).collect(),
            members: (0..n as u32).map(|i| vec![i]).collect(),
            cannot: vec![Vec::new(); n],
            vetoed: vec![Vec::new(); n],
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        let mut root = x;
        while self.parent[root as usize] != root {
            root = self.parent[root as usize];
        }
        while self.parent[x as usize] != root {
            let next = self.parent[x as usize];
            self.parent[x as usize] = root;
            x = next;
        }
        root
    }

    /// Whether the clusters of roots `ra` and `rb` may not be joined by the user's cannot-link
    /// pairs (`soft` false) or also by vetoed pairs (`soft` true).
    fn conflict(&mut self, ra: u32, rb: u32, soft: bool) -> bool {
        self.hits(ra, rb, false) || (soft && self.hits(ra, rb, true))
    }

    fn lists(&mut self, soft: bool) -> &mut Vec<Vec<u32>> {
        if soft {
            &mut self.vetoed
        } else {
            &mut self.cannot
        }
    }

    fn hits(&mut self, ra: u32, rb: u32, soft: bool) -> bool {
        let (la, lb) = (
            self.lists(soft)[ra as usize].len(),
            self.lists(soft)[rb as usize].len(),
        );
        let (small, other) = if la <= lb { (ra, rb) } else { (rb, ra) };
        let list = std::mem::take(&mut self.lists(soft)[small as usize]);
        let hit = list.iter().any(|&x| self.find(x) == other);
        self.lists(soft)[small as usize] = list;
        // The other direction is implied: pairs are stored on both sides.
        hit
    }

    fn union(&mut self, ra: u32, rb: u32) {
        let (big, small) = if self.members[ra as usize].len() >= self.members[rb as usize].len() {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[small as usize] = big;
        let moved = std::mem::take(&mut self.members[small as usize]);
        self.members[big as usize].extend(moved);
        let moved = std::mem::take(&mut self.cannot[small as usize]);
        self.cannot[big as usize].extend(moved);
        let moved = std::mem::take(&mut self.vetoed[small as usize]);
        self.vetoed[big as usize].extend(moved);
    }

    fn size(&self, root: u32) -> usize {
        self.members[root as usize].len()
    }
}

/// Cluster `n` records. `edges` may come in any order; `rank` is each record's canonical rank.
pub fn cluster(
    n: usize,
    edges: &[Edge],
    rank: &[u64],
    must_link: &[(usize, usize)],
    cannot_link: &[(usize, usize)],
    t: &Thresholds,
) -> Partition {
    let mut sets = Sets::new(n);
    for &(a, b) in cannot_link {
        if a < n && b < n && a != b {
            sets.cannot[a].push(b as u32);
            sets.cannot[b].push(a as u32);
        }
    }
    let mut must: Vec<(usize, usize)> = must_link
        .iter()
        .filter(|(a, b)| *a < n && *b < n)
        .map(|&(a, b)| (a.min(b), a.max(b)))
        .collect();
    must.sort_unstable();
    for (a, b) in must {
        let (ra, rb) = (sets.find(a as u32), sets.find(b as u32));
        if ra != rb && !sets.conflict(ra, rb, false) {
            sets.union(ra, rb);
        }
    }
    for e in edges.iter().filter(|e| !e.automatic) {
        sets.vetoed[e.a as usize].push(e.b);
        sets.vetoed[e.b as usize].push(e.a);
    }

    // Supporting edges, as adjacency lists (compressed rows).
    let mut degree = vec![0u32; n + 1];
    for e in edges.iter().filter(|e| e.probability >= t.review) {
        degree[e.a as usize] += 1;
        degree[e.b as usize] += 1;
    }
    let mut offset = vec![0usize; n + 1];
    for i in 0..n {
        offset[i + 1] = offset[i] + degree[i] as usize;
    }
    let mut fill = offset.clone();
    let mut adjacent = vec![0u32; offset[n]];
    for e in edges.iter().filter(|e| e.probability >= t.review) {
        adjacent[fill[e.a as usize]] = e.b;
        fill[e.a as usize] += 1;
        adjacent[fill[e.b as usize]] = e.a;
        fill[e.b as usize] += 1;
    }

    let key = |e: &Edge| {
        let (x, y) = (rank[e.a as usize], rank[e.b as usize]);
        (x.min(y), x.max(y))
    };
    let mut order: Vec<usize> = (0..edges.len())
        .filter(|&i| edges[i].probability >= t.accept && edges[i].automatic)
        .collect();
    order.sort_unstable_by(|&i, &j| {
        edges[j]
            .weight
            .total_cmp(&edges[i].weight)
            .then_with(|| key(&edges[i]).cmp(&key(&edges[j])))
    });

    let mut joined = Vec::new();
    for i in order {
        let e = &edges[i];
        let (ra, rb) = (sets.find(e.a), sets.find(e.b));
        if ra == rb || sets.conflict(ra, rb, e.nameless) {
            continue;
        }
        let alone = sets.size(ra) == 1 || sets.size(rb) == 1;
        let ok = alone || e.probability >= t.strong || {
            let (small, other) = if sets.size(ra) <= sets.size(rb) {
                (ra, rb)
            } else {
                (rb, ra)
            };
            let members = sets.members[small as usize].clone();
            let mut support = 0;
            'count: for x in members {
                for &y in &adjacent[offset[x as usize]..offset[x as usize + 1]] {
                    if sets.find(y) == other {
                        support += 1;
                        if support >= t.support {
                            break 'count;
                        }
                    }
                }
            }
            support >= t.support
        };
        if ok {
            sets.union(ra, rb);
            joined.push(i);
        }
    }

    let mut uncertain: Vec<usize> = Vec::new();
    for (i, e) in edges.iter().enumerate() {
        if e.probability < t.review {
            continue;
        }
        let (ra, rb) = (sets.find(e.a), sets.find(e.b));
        if ra != rb && !sets.conflict(ra, rb, false) {
            uncertain.push(i);
        }
    }
    uncertain.sort_unstable_by(|&i, &j| {
        edges[j]
            .weight
            .total_cmp(&edges[i].weight)
            .then_with(|| (edges[i].a, edges[i].b).cmp(&(edges[j].a, edges[j].b)))
    });

    let mut groups: Vec<Vec<usize>> = Vec::new();
    for r in 0..n as u32 {
        if sets.find(r) == r {
            groups.push(
                sets.members[r as usize]
                    .iter()
                    .map(|&x| x as usize)
                    .collect(),
            );
        }
    }
    Partition {
        clusters: Clusters::from_groups(groups),
        joined,
        uncertain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(a: u32, b: u32, probability: f64) -> Edge {
        Edge {
            a,
            b,
            weight: (probability / (1.0 - probability)).log2(),
            probability,
            automatic: true,
            nameless: false,
        }
    }

    fn show(c: &Clusters) -> String {
        c.iter()
            .map(|g| g.iter().map(usize::to_string).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn run(
        n: usize,
        edges: &[Edge],
        must: &[(usize, usize)],
        cannot: &[(usize, usize)],
    ) -> Partition {
        let rank: Vec<u64> = (0..n as u64).collect();
        cluster(n, edges, &rank, must, cannot, &Thresholds::default())
    }

    #[test]
    fn weak_bridge_does_not_chain_two_people() {
        // 0-1 and 2-3 certain; 1-2 likely but alone.
        let edges = [edge(0, 1, 0.99999), edge(2, 3, 0.99999), edge(1, 2, 0.97)];
        let p = run(4, &edges, &[], &[]);
        assert_eq!(show(&p.clusters), "0,1 2,3");
        assert_eq!(p.uncertain, vec![2]);
        // With a second edge between the pairs they support each other.
        let mut more = edges.to_vec();
        more.push(edge(0, 3, 0.6));
        let p = run(4, &more, &[], &[]);
        assert_eq!(show(&p.clusters), "0,1,2,3");
        assert!(p.uncertain.is_empty());
        // A strong bridge needs no support.
        let strong = [
            edge(0, 1, 0.99999),
            edge(2, 3, 0.99999),
            edge(1, 2, 0.99999),
        ];
        assert_eq!(show(&run(4, &strong, &[], &[]).clusters), "0,1,2,3");
    }

    #[test]
    fn decisions_win() {
        let edges = [edge(0, 1, 0.999999), edge(1, 2, 0.999999)];
        // Cannot-link 0-2 keeps 2 apart although 1-2 is certain.
        let p = run(3, &edges, &[], &[(0, 2)]);
        assert_eq!(show(&p.clusters), "0,1 2");
        // Must-link joins records no edge connects, and their whole clusters.
        let p = run(5, &edges, &[(2, 4)], &[]);
        assert_eq!(show(&p.clusters), "0,1,2,4 3");
        // A must-link that contradicts a cannot-link loses.
        let p = run(3, &[], &[(0, 1), (1, 2)], &[(0, 2)]);
        assert_eq!(show(&p.clusters), "0,1 2");
    }

    #[test]
    fn review_band_and_vetoed_edges() {
        let mut vetoed = edge(0, 1, 0.999);
        vetoed.automatic = false;
        let edges = [vetoed, edge(2, 3, 0.7), edge(3, 4, 0.2)];
        let p = run(5, &edges, &[], &[]);
        assert_eq!(show(&p.clusters), "0 1 2 3 4");
        assert_eq!(p.uncertain, vec![0, 1]);
        assert!(p.joined.is_empty());
        // A vetoed pair does not merge through a third record that says nothing about given
        // names, unless the user says so.
        let mut nameless = [edge(0, 2, 0.99999), edge(1, 2, 0.99999)];
        for e in &mut nameless {
            e.nameless = true;
        }
        let through = [vetoed, nameless[0], nameless[1]];
        assert_eq!(show(&run(3, &through, &[], &[]).clusters), "0,2 1");
        assert_eq!(show(&run(3, &through, &[(0, 1)], &[]).clusters), "0,1,2");
        // A third record whose given name agrees may.
        let named = [vetoed, edge(0, 2, 0.99999), edge(1, 2, 0.99999)];
        assert_eq!(show(&run(3, &named, &[], &[]).clusters), "0,1,2");
    }
}
