using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Steward.Connectors;
using Steward.People;
using Steward.Rights;

namespace Steward.Bench;

/// <summary>
/// <c>-- erasure-check</c>: the check after an erasure (Steward's own database, and a SQLite shop of
/// STEWARD_BENCH_ERASURE_CUSTOMERS customers, default 200,000, about 350 MB with 17 rows per customer across six tables)
/// against <c>grep -F -c -f PATTERNS</c> over the shop's <c>sqlite3 .dump</c>, the patterns being the same spellings the
/// check looks for. Both are reported as the dump's bytes per second; the ratio is grep's time over the check's.
/// A second baseline reads every value of the fully searched columns out and matches them in .NET, to show what
/// filtering in the database saves. The shop and its dump are made once and reused.
/// </summary>
internal static class ErasureCheckBenchmark
{
    public const string Verb = "erasure-check";
    private const int Rounds = 5;

    public static async Task<int> RunAsync()
    {
        var customers = int.Parse(Environment.GetEnvironmentVariable("STEWARD_BENCH_ERASURE_CUSTOMERS") ?? "200000", CultureInfo.InvariantCulture);
        var folder = Path.Combine(Path.GetTempPath(), $"steward-bench-erasure-{customers}");
        var shop = Path.Combine(folder, "shop.db");
        var dump = Path.Combine(folder, "shop.sql");
        if (!File.Exists(dump)) await CreateAsync(folder, shop, dump, customers);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = shop, Mode = SqliteOpenMode.ReadOnly }.ToString();

        using var services = ConsentBench.StartServices();
        await services.GetRequiredService<ConnectionDirectory>().AddAsync("shop", ConnectionTypes.Sqlite, connectionString, "bench", CancellationToken.None);
        var import = await services.GetRequiredService<DatasetStore>().ImportAsync(ShopDataset, "shop", "bench", CancellationToken.None);
        if (!import.Stored) throw new InvalidOperationException(string.Join("\n", import.Problems.Select(p => p.Format("shop"))));
        var check = services.GetRequiredService<ErasureCheck>();

        var bytes = new FileInfo(dump).Length;
        var scan = new List<double>();
        var grep = new List<double>();
        var pull = new List<double>();
        var grepIgnoringCase = new List<double>();
        ErasureCheckResult? last = null;
        for (var round = 0; round <= Rounds; round++)
        {
            var k = customers / 3 + round * 7919;
            IReadOnlyList<Identity> person = [new(IdentityType.Email, $"c{k}@shop.example"), new(IdentityType.Phone, $"+86138{k:D8}")];
            var patterns = Path.Combine(folder, "patterns");
            await File.WriteAllLinesAsync(patterns, ErasureSearchForms.For(person).Select(f => f.Value));
            // Alternate which goes first, so neither always meets a warmer page cache; round 0 only warms up.
            var times = new double[4];
            async Task Scan() => times[0] = await TimeAsync(async () => last = await check.ScanAsync(person, [], CancellationToken.None));
            async Task Grep() => times[1] = await TimeAsync(() => GrepAsync(patterns, dump, ignoreCase: false));
            async Task Pull() => times[2] = await TimeAsync(() => PullAsync(connectionString, person));
            if (round % 2 == 0) { await Scan(); await Grep(); await Pull(); }
            else { await Grep(); await Scan(); await Pull(); }
            times[3] = await TimeAsync(() => GrepAsync(patterns, dump, ignoreCase: true));
            if (round == 0) continue;
            scan.Add(times[0]);
            grep.Add(times[1]);
            pull.Add(times[2]);
            grepIgnoringCase.Add(times[3]);
        }
        var found = last!.Hits.Where(h => h.Location.StartsWith("shop:", StringComparison.Ordinal)).Sum(h => h.Count);
        Console.WriteLine($"shop: {customers:N0} customers, database {new FileInfo(shop).Length / 1e6:F0} MB, dump {bytes / 1e6:F0} MB; "
            + $"the check found {found} rows of the person and read {last.Scope.FullColumns} columns in full, {last.Scope.SampledColumns} sampled, {last.Scope.StewardColumns} of Steward's");
        Console.WriteLine("| search | median | dump bytes per second | ratio to grep (≥ 1 is faster) |");
        Console.WriteLine("|---|---|---|---|");
        Row("`grep -F -c -f patterns shop.sql`", Median(grep), bytes, Median(grep));
        Row("Steward's check (`ErasureCheck.ScanAsync`: LIKE in the database, then boundaries)", Median(scan), bytes, Median(grep));
        Row("`grep -F -i -c -f patterns shop.sql` (any case, as the check matches emails)", Median(grepIgnoringCase), bytes, Median(grep));
        Row("reading every value of the same columns into .NET and matching there", Median(pull), bytes, Median(grep));
        return 0;
    }

    private static void Row(string what, double ms, long bytes, double grepMs) =>
        Console.WriteLine($"| {what} | {ms:F0} ms | {bytes / 1e6 / (ms / 1000):F0} MB/s | {grepMs / ms:F2} |");

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static async Task<double> TimeAsync(Func<Task> run)
    {
        var watch = Stopwatch.StartNew();
        await run();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static async Task GrepAsync(string patterns, string dump, bool ignoreCase)
    {
        using var grep = Process.Start(new ProcessStartInfo("grep", ignoreCase ? ["-F", "-i", "-c", "-f", patterns, dump] : ["-F", "-c", "-f", patterns, dump]) { RedirectStandardOutput = true })!;
        await grep.StandardOutput.ReadToEndAsync();
        await grep.WaitForExitAsync();
    }

    /// <summary>The other way to search: every value of the declared personal-data columns read out, matched in .NET.</summary>
    private static async Task PullAsync(string connectionString, IReadOnlyList<Identity> person)
    {
        var matcher = new IdentifierMatcher(ErasureSearchForms.For(person));
        await using var c = new SqliteConnection(connectionString);
        await c.OpenAsync();
        foreach (var sql in (string[])["SELECT email, name, phone FROM customers", "SELECT customer_id, street, city, postcode FROM addresses",
                     "SELECT customer_id, shipping_note FROM orders", "SELECT gift_message FROM order_items"])
        {
            await using var command = c.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                for (var i = 0; i < reader.FieldCount; i++)
                    if (!reader.IsDBNull(i)) matcher.Matches(Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!);
        }
    }

    private static async Task CreateAsync(string folder, string shop, string dump, int customers)
    {
        Directory.CreateDirectory(folder);
        File.Delete(shop);
        Console.Error.WriteLine($"making the shop ({customers:N0} customers) and its dump in {folder} ...");
        await using (var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = shop, Pooling = false }.ToString()))
        {
            await c.OpenAsync();
            await using var command = c.CreateCommand();
            command.CommandText = ShopSql.Replace("@customers", customers.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            await command.ExecuteNonQueryAsync();
        }
        using var sqlite = Process.Start(new ProcessStartInfo("sh", ["-c", "sqlite3 \"$0\" .dump > \"$1\"", shop, dump]))!;
        await sqlite.WaitForExitAsync();
        if (sqlite.ExitCode != 0) throw new InvalidOperationException("sqlite3 .dump failed (is the sqlite3 command installed?)");
    }

    /// <summary>Per customer: an address, three orders of two items, a support ticket and four events (JSON), with indexes on the keys.</summary>
    private const string ShopSql = """
        PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
        CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT, phone TEXT, country TEXT, created_at TEXT);
        CREATE TABLE addresses (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), street TEXT, city TEXT, postcode TEXT);
        CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), status TEXT, total_cents INTEGER, currency TEXT, created_at TEXT, shipping_note TEXT);
        CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id), sku TEXT, product_name TEXT, quantity INTEGER, price_cents INTEGER, gift_message TEXT);
        CREATE TABLE support_tickets (id INTEGER PRIMARY KEY, customer_id INTEGER, subject TEXT, body TEXT);
        CREATE TABLE events (id INTEGER PRIMARY KEY, customer_id INTEGER, kind TEXT, payload TEXT);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @customers)
        INSERT INTO customers SELECT i, 'c' || i || '@shop.example', 'Customer Number ' || i, '+86138' || printf('%08d', i), 'CN', '2025-01-01T10:00:00Z' FROM n;
        INSERT INTO addresses SELECT id, id, id || ' Long Example Road, Building ' || (id % 90), 'Shanghai', printf('%06d', id % 999999) FROM customers;
        INSERT INTO orders SELECT c.id * 3 + k.k, c.id, 'delivered', 1000 + c.id % 9000, 'CNY', '2025-03-0' || (k.k + 1) || 'T12:34:56Z',
            CASE WHEN c.id % 7 = 0 THEN 'leave it with the neighbour at number ' || (c.id % 50) ELSE NULL END
          FROM customers c, (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2) k;
        INSERT INTO order_items SELECT o.id * 2 + k.k, o.id, 'SKU-' || printf('%07d', (o.id * 7 + k.k) % 1000000), 'Stainless steel water bottle, 750 ml, colour ' || ((o.id + k.k) % 12),
            1 + k.k, 1999, CASE WHEN o.id % 11 = 0 THEN 'happy birthday, with love' ELSE NULL END
          FROM orders o, (SELECT 0 AS k UNION ALL SELECT 1) k;
        INSERT INTO support_tickets SELECT id, id, 'Question about order ' || (id * 3),
            'Hello, my parcel for order ' || (id * 3) || ' has not arrived yet. The tracking page says it left the warehouse. Could you check?' FROM customers;
        INSERT INTO events SELECT c.id * 4 + k.k, c.id, 'page_view',
            '{"path":"/products/' || ((c.id + k.k) % 5000) || '","referrer":"https://search.example/?q=water+bottle","agent":"Mozilla/5.0 (X11; Linux x86_64)"}'
          FROM customers c, (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) k;
        CREATE INDEX customers_email ON customers(email);
        CREATE INDEX addresses_customer ON addresses(customer_id);
        CREATE INDEX orders_customer ON orders(customer_id);
        CREATE INDEX items_order ON order_items(order_id);
        """;

    /// <summary>Customers, addresses, orders and items declared; support tickets and events (free text, JSON) left undeclared, as they often are.</summary>
    private const string ShopDataset = """
        dataset:
          - fides_key: shop
            collections:
              - name: customers
                fields:
                  - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
                  - { name: email, data_categories: [user.contact.email], fides_meta: { identity: email } }
                  - { name: name, data_categories: [user.name] }
                  - { name: phone, data_categories: [user.contact.phone_number], fides_meta: { identity: phone } }
                  - { name: country, data_categories: [system.operations] }
                  - { name: created_at, data_categories: [system.operations] }
              - name: addresses
                fields:
                  - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
                  - { name: customer_id, data_categories: [user.unique_id] }
                  - { name: street, data_categories: [user.contact.address.street] }
                  - { name: city, data_categories: [user.contact.address.city] }
                  - { name: postcode, data_categories: [user.contact.address.postal_code] }
              - name: orders
                fields:
                  - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
                  - { name: customer_id, data_categories: [user.unique_id] }
                  - { name: status, data_categories: [system.operations] }
                  - { name: total_cents, data_categories: [system.operations] }
                  - { name: currency, data_categories: [system.operations] }
                  - { name: created_at, data_categories: [system.operations] }
                  - { name: shipping_note, data_categories: [user.content.private] }
              - name: order_items
                fields:
                  - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
                  - { name: order_id, data_categories: [system.operations] }
                  - { name: sku, data_categories: [system.operations] }
                  - { name: product_name, data_categories: [system.operations] }
                  - { name: quantity, data_categories: [system.operations] }
                  - { name: price_cents, data_categories: [system.operations] }
                  - { name: gift_message, data_categories: [user.content.private] }
        """;
}
