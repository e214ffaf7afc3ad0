//! The benchmark's datasets: their types (which every contender can encode) and
//! their seeded generators.

use crate::rng::Rng;

/// wincode's default configuration with the preallocation limit raised from 4 MiB
/// (which refuses the `prices` columns) to 1 GiB.
pub type WincodeConfig = wincode::config::Configuration<true, { 1 << 30 }>;

/// Everything a dataset type must be for every contender to encode it: serde and
/// persist's schema (persist, the baseline, native_model), and each peer's own
/// traits (bitcode, savefile, revision, wincode).
pub trait Data:
    serde::Serialize
    + serde::de::DeserializeOwned
    + persist::Schema
    + bitcode::Encode
    + bitcode::DecodeOwned
    + savefile::WithSchema
    + savefile::Serialize
    + savefile::Deserialize
    + revision::SerializeRevisioned
    + revision::DeserializeRevisioned
    + wincode::SchemaWrite<WincodeConfig, Src = Self>
    + for<'de> wincode::SchemaRead<'de, WincodeConfig, Dst = Self>
    + native_model::Model
    + PartialEq
    + std::fmt::Debug
{
}

impl<T> Data for T where
    T: serde::Serialize
        + serde::de::DeserializeOwned
        + persist::Schema
        + bitcode::Encode
        + bitcode::DecodeOwned
        + savefile::WithSchema
        + savefile::Serialize
        + savefile::Deserialize
        + revision::SerializeRevisioned
        + revision::DeserializeRevisioned
        + wincode::SchemaWrite<WincodeConfig, Src = T>
        + for<'de> wincode::SchemaRead<'de, WincodeConfig, Dst = T>
        + native_model::Model
        + PartialEq
        + std::fmt::Debug
{
}

/// Gives a type the derives of every contender at once.
macro_rules! bench_type {
    // A dataset's root type is also a native_model model. Its attribute goes first:
    // revision's macro does not parse other macros' attribute paths.
    (model = $id:literal; $($item:tt)*) => {
        bench_type!(@with [#[native_model::native_model(id = $id, version = 1)]] $($item)*);
    };
    (@with [$($first:tt)*] $($item:tt)*) => {
        $($first)*
        #[revision::revisioned(revision = 1)]
        #[derive(
            serde::Serialize,
            serde::Deserialize,
            persist::Schema,
            bitcode::Encode,
            bitcode::Decode,
            savefile::prelude::Savefile,
            wincode::SchemaWrite,
            wincode::SchemaRead,
            Clone,
            Debug,
            PartialEq,
        )]
        $($item)*
    };
    ($($item:tt)*) => {
        bench_type!(@with [] $($item)*);
    };
}

bench_type! {
    /// One line of a web server's access log.
    pub struct LogRecord {
        /// Milliseconds since the Unix epoch.
        pub timestamp: u64,
        /// The client's IPv4 address as its four octets: the form every peer can
        /// encode (revision and savefile have no `Ipv4Addr`), and the one serde's
        /// `Ipv4Addr` takes in binary formats anyway.
        pub ip: [u8; 4],
        /// HTTP method.
        pub method: String,
        /// Request path.
        pub path: String,
        /// HTTP status.
        pub status: u16,
        /// Response size.
        pub bytes: u64,
        /// Referrer, `-` when absent.
        pub referrer: String,
        /// The client's user agent.
        pub user_agent: String,
    }
}

bench_type! {
    model = 1;
    /// The `log` dataset: web-log records.
    pub struct WebLog {
        /// The records, oldest first.
        pub records: Vec<LogRecord>,
    }
}

bench_type! {
    /// A vertex.
    pub struct Point {
        /// x coordinate.
        pub x: f32,
        /// y coordinate.
        pub y: f32,
        /// z coordinate (height).
        pub z: f32,
    }
}

bench_type! {
    /// A triangle of a mesh.
    pub struct Triangle {
        /// First corner.
        pub a: Point,
        /// Second corner.
        pub b: Point,
        /// Third corner.
        pub c: Point,
    }
}

bench_type! {
    model = 2;
    /// The `mesh` dataset: a triangulated height field.
    pub struct Mesh {
        /// The mesh's name.
        pub name: String,
        /// Its triangles.
        pub triangles: Vec<Triangle>,
    }
}

bench_type! {
    model = 3;
    /// The `prices` dataset: ticks of one instrument, as columns.
    pub struct Prices {
        /// The instrument.
        pub symbol: String,
        /// Nanoseconds since the Unix epoch, increasing.
        pub timestamps: Vec<i64>,
        /// Prices on a 0.01 grid.
        pub prices: Vec<f64>,
    }
}

bench_type! {
    /// A currency.
    pub enum Currency {
        /// US dollar.
        Usd,
        /// Euro.
        Eur,
        /// Yen.
        Jpy,
        /// Pound sterling.
        Gbp,
        /// Swiss franc.
        Chf,
    }
}

bench_type! {
    /// Call or put.
    pub enum OptionKind {
        /// Right to buy.
        Call,
        /// Right to sell.
        Put,
    }
}

bench_type! {
    /// What a position holds.
    pub enum Asset {
        /// Cash in a currency.
        Cash(Currency),
        /// A share.
        Equity {
            /// Ticker.
            ticker: String,
            /// Exchange code.
            exchange: String,
        },
        /// A bond.
        Bond {
            /// ISIN.
            isin: String,
            /// Annual coupon, percent.
            coupon: f64,
            /// Days since 1970-01-01.
            maturity_day: u32,
        },
        /// A listed option.
        EquityOption {
            /// Underlying ticker.
            underlying: String,
            /// Strike.
            strike: f64,
            /// Days since 1970-01-01.
            expiry_day: u32,
            /// Call or put.
            kind: OptionKind,
        },
        /// A future.
        Future {
            /// Root symbol.
            root: String,
            /// Delivery month, 1 to 12.
            month: u8,
            /// Delivery year.
            year: u16,
        },
    }
}

bench_type! {
    /// Buy or sell.
    pub enum Side {
        /// Bought.
        Buy,
        /// Sold.
        Sell,
    }
}

bench_type! {
    /// One trade of a position.
    pub struct Trade {
        /// Days since 1970-01-01.
        pub day: u32,
        /// Direction.
        pub side: Side,
        /// Units.
        pub quantity: i64,
        /// Price per unit.
        pub price: f64,
        /// Fee, when charged.
        pub fee: Option<f64>,
    }
}

bench_type! {
    /// A holding and its history.
    pub struct Position {
        /// What is held.
        pub asset: Asset,
        /// Units held.
        pub quantity: i64,
        /// The trades that built it.
        pub trades: Vec<Trade>,
        /// Free-form labels.
        pub tags: Vec<String>,
        /// A comment, sometimes.
        pub note: Option<String>,
    }
}

bench_type! {
    /// An account of the portfolio.
    pub struct Account {
        /// Account number.
        pub id: u32,
        /// Owner's name.
        pub owner: String,
        /// Base currency.
        pub currency: Currency,
        /// Holdings.
        pub positions: Vec<Position>,
    }
}

bench_type! {
    /// Risk limits.
    pub struct Limits {
        /// Gross exposure limit.
        pub max_gross: f64,
        /// Net exposure limit.
        pub max_net: f64,
        /// Largest position, in units.
        pub max_position: i64,
    }
}

bench_type! {
    model = 4;
    /// The `portfolio` dataset: nested structs and enums.
    pub struct Portfolio {
        /// The portfolio's name.
        pub name: String,
        /// Its limits.
        pub limits: Limits,
        /// Its accounts.
        pub accounts: Vec<Account>,
    }
}

/// How big the datasets are: `Full` is the issue's sizes, `Quick` a tenth (and a
/// smaller memory object) for smoke runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// The sizes the results are reported at.
    Full,
    /// A tenth of them.
    Quick,
}

impl Scale {
    fn of(self, full: usize) -> usize {
        match self {
            Scale::Full => full,
            Scale::Quick => full / 10,
        }
    }
}

/// 2026-01-01T00:00:00Z in milliseconds.
const START_MS: u64 = 1_767_225_600_000;

/// The `log` dataset: 10,000 records (a tenth with `Scale::Quick`).
pub fn log(scale: Scale) -> WebLog {
    let mut rng = Rng::new(1);
    // Clients come back: a few hundred addresses make most of the traffic.
    let clients: Vec<[u8; 4]> = (0..500)
        .map(|_| {
            let b = rng.next_u64().to_le_bytes();
            [b[0] | 1, b[1], b[2], b[3]]
        })
        .collect();
    let methods = ["GET", "GET", "GET", "GET", "POST", "PUT", "DELETE", "HEAD"];
    let resources = ["users", "orders", "items", "carts", "search", "reports"];
    let statics = [
        "app.js",
        "style.css",
        "logo.png",
        "favicon.ico",
        "font.woff2",
    ];
    let statuses = [200, 200, 200, 200, 200, 304, 301, 404, 500];
    let referrers = [
        "-",
        "-",
        "https://www.example.com/",
        "https://search.example.org/?q=widgets",
        "https://shop.example.com/cart",
    ];
    let agents = [
        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "curl/8.8.0",
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
    ];
    let mut timestamp = START_MS;
    let records = (0..scale.of(10_000))
        .map(|_| {
            timestamp += rng.below(2_000);
            let path = if rng.below(4) == 0 {
                format!("/static/{}", rng.pick(&statics))
            } else {
                format!("/api/v1/{}/{}", rng.pick(&resources), rng.below(1_000_000))
            };
            LogRecord {
                timestamp,
                ip: clients[rng.below(clients.len() as u64) as usize],
                method: rng.pick(&methods).to_string(),
                path,
                status: statuses[rng.below(statuses.len() as u64) as usize],
                bytes: rng.below(100_000),
                referrer: rng.pick(&referrers).to_string(),
                user_agent: rng.pick(&agents).to_string(),
            }
        })
        .collect();
    WebLog { records }
}

/// The `mesh` dataset: 125,000 triangles of a height field, two per grid cell.
pub fn mesh(scale: Scale) -> Mesh {
    let mut rng = Rng::new(2);
    let count = scale.of(125_000);
    let width = 250usize;
    // Heights at the grid's corners, shared by the triangles around them.
    let rows = count / 2 / width + 2;
    let heights: Vec<f32> = (0..(width + 1) * rows)
        .map(|_| (rng.unit() * 50.0) as f32)
        .collect();
    let vertex = |col: usize, row: usize| Point {
        x: col as f32 * 0.5,
        y: row as f32 * 0.5,
        z: heights[row * (width + 1) + col],
    };
    let mut triangles = Vec::with_capacity(count);
    for cell in 0..count.div_ceil(2) {
        let (col, row) = (cell % width, cell / width);
        triangles.push(Triangle {
            a: vertex(col, row),
            b: vertex(col + 1, row),
            c: vertex(col, row + 1),
        });
        if triangles.len() < count {
            triangles.push(Triangle {
                a: vertex(col + 1, row),
                b: vertex(col + 1, row + 1),
                c: vertex(col, row + 1),
            });
        }
    }
    Mesh {
        name: "terrain".to_string(),
        triangles,
    }
}

/// A random walk of `count` prices on a 0.01 grid, starting at 100.00.
pub fn price_walk(rng: &mut Rng, count: usize) -> Vec<f64> {
    let mut cents: i64 = 10_000;
    let mut prices = Vec::with_capacity(count);
    for _ in 0..count {
        cents = (cents + rng.below(5) as i64 - 2).max(1);
        prices.push(cents as f64 / 100.0);
    }
    prices
}

/// The `prices` dataset: 10 million ticks (prices and nanosecond timestamps).
pub fn prices(scale: Scale) -> Prices {
    let mut rng = Rng::new(3);
    let count = scale.of(10_000_000);
    let mut now = (START_MS * 1_000_000) as i64;
    let timestamps = (0..count)
        .map(|_| {
            now += rng.below(1_000_000) as i64;
            now
        })
        .collect();
    Prices {
        symbol: "ESZ6".to_string(),
        timestamps,
        prices: price_walk(&mut rng, count),
    }
}

/// The `portfolio` dataset: 50 accounts of 400 positions with a few trades each.
pub fn portfolio(scale: Scale) -> Portfolio {
    let mut rng = Rng::new(4);
    let currencies = [
        Currency::Usd,
        Currency::Eur,
        Currency::Jpy,
        Currency::Gbp,
        Currency::Chf,
    ];
    let tickers = [
        "AAPL", "MSFT", "NVDA", "AMZN", "GOOG", "META", "TSLA", "ASML",
    ];
    let exchanges = ["XNAS", "XNYS", "XAMS", "XETR"];
    let roots = ["ES", "NQ", "CL", "GC", "ZN"];
    let tags = ["core", "hedge", "tactical", "legacy", "esg", "watch"];
    let day = |rng: &mut Rng| 20_000 + rng.below(2_000) as u32;
    let accounts = (0..scale.of(50) as u32)
        .map(|id| {
            let positions = (0..400)
                .map(|_| {
                    let asset = match rng.below(5) {
                        0 => Asset::Cash(currencies[rng.below(5) as usize].clone()),
                        1 => Asset::Equity {
                            ticker: rng.pick(&tickers).to_string(),
                            exchange: rng.pick(&exchanges).to_string(),
                        },
                        2 => Asset::Bond {
                            isin: format!("US{:010}", rng.below(10_000_000_000)),
                            coupon: rng.below(800) as f64 / 100.0,
                            maturity_day: day(&mut rng) + 3_000,
                        },
                        3 => Asset::EquityOption {
                            underlying: rng.pick(&tickers).to_string(),
                            strike: rng.below(50_000) as f64 / 100.0,
                            expiry_day: day(&mut rng) + 200,
                            kind: if rng.below(2) == 0 {
                                OptionKind::Call
                            } else {
                                OptionKind::Put
                            },
                        },
                        _ => Asset::Future {
                            root: rng.pick(&roots).to_string(),
                            month: 1 + rng.below(12) as u8,
                            year: 2026 + rng.below(3) as u16,
                        },
                    };
                    let trades: Vec<Trade> = (0..1 + rng.below(8))
                        .map(|_| Trade {
                            day: day(&mut rng),
                            side: if rng.below(3) == 0 {
                                Side::Sell
                            } else {
                                Side::Buy
                            },
                            quantity: 1 + rng.below(1_000) as i64,
                            price: rng.below(100_000) as f64 / 100.0,
                            fee: (rng.below(2) == 0).then(|| rng.below(500) as f64 / 100.0),
                        })
                        .collect();
                    Position {
                        asset,
                        quantity: trades.iter().map(|t| t.quantity).sum(),
                        trades,
                        tags: (0..rng.below(3))
                            .map(|_| rng.pick(&tags).to_string())
                            .collect(),
                        note: (rng.below(10) == 0).then(|| "review at quarter end".to_string()),
                    }
                })
                .collect();
            Account {
                id,
                owner: format!("client-{id:04}"),
                currency: currencies[id as usize % 5].clone(),
                positions,
            }
        })
        .collect();
    Portfolio {
        name: "global macro".to_string(),
        limits: Limits {
            max_gross: 5.0e8,
            max_net: 1.0e8,
            max_position: 1_000_000,
        },
        accounts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datasets_have_the_issues_sizes() {
        assert_eq!(log(Scale::Full).records.len(), 10_000);
        assert_eq!(mesh(Scale::Full).triangles.len(), 125_000);
        let ticks = prices(Scale::Full);
        assert_eq!(ticks.prices.len(), 10_000_000);
        assert_eq!(ticks.timestamps.len(), 10_000_000);
        assert_eq!(mesh(Scale::Quick).triangles.len(), 12_500);
    }

    #[test]
    fn generation_is_fixed_by_the_seed() {
        assert_eq!(log(Scale::Quick), log(Scale::Quick));
        assert_eq!(portfolio(Scale::Quick), portfolio(Scale::Quick));
    }

    #[test]
    fn prices_sit_on_the_cent_grid_and_time_increases() {
        let ticks = prices(Scale::Quick);
        assert!(ticks
            .prices
            .iter()
            .all(|p| (p * 100.0 - (p * 100.0).round()).abs() < 1e-6 && *p > 0.0));
        assert!(ticks.timestamps.windows(2).all(|w| w[0] <= w[1]));
    }
}
