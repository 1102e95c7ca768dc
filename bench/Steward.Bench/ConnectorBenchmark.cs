using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Steward.Connectors;
using Steward.People;

namespace Steward.Bench;

/// <summary>
/// <c>-- connectors</c>: access and erasure through the connector engine against hand-written SQL for the same rows, on a
/// PostgreSQL shop of STEWARD_BENCH_SHOP_CUSTOMERS customers (default 1,000,000) and ten related rows per customer across six
/// tables. The shop is generated once into its own database and reused; each measured request takes a customer not yet erased.
/// Times are wall-clock medians of alternating runs, reported as ratios to the hand-written baseline of the same run.
/// </summary>
internal static class ConnectorBenchmark
{
    public const string Verb = "connectors";
    private const int Rounds = 60;
    private const int Batch = 1000;
    private const int BatchRounds = 3;

    public static async Task<int> RunAsync()
    {
        if (Environment.GetEnvironmentVariable("STEWARD_BENCH_POSTGRES") is not { Length: > 0 } server)
        {
            Console.Error.WriteLine("Set STEWARD_BENCH_POSTGRES to a PostgreSQL server (a database of its own is created there).");
            return 1;
        }
        var customers = int.Parse(Environment.GetEnvironmentVariable("STEWARD_BENCH_SHOP_CUSTOMERS") ?? "1000000", CultureInfo.InvariantCulture);
        var needed = 4 * Rounds + 2 * Batch * BatchRounds + 20;
        var shop = await ShopAsync(server, customers, needed);

        using var services = ConsentBench.StartServices();
        await services.GetRequiredService<ConnectionDirectory>().AddAsync("shop", ConnectionTypes.Postgres, shop, "bench", CancellationToken.None);
        var import = await services.GetRequiredService<DatasetStore>().ImportAsync(ShopDataset, "shop", "bench", CancellationToken.None);
        if (!import.Stored) throw new InvalidOperationException(string.Join("\n", import.Problems.Select(p => p.Format("shop"))));
        var connectors = services.GetRequiredService<DataConnectors>();

        var fresh = new Queue<long>(await FreshCustomersAsync(shop, needed));
        static Identity Email(long id) => new(IdentityType.Email, $"c{id}@shop.example");

        // Warm both paths (pools, JIT, plan caches) before measuring.
        for (var i = 0; i < 5; i++)
        {
            await AccessWithPackageAsync(connectors, Email(fresh.Dequeue()));
            await HandAccessAsync(shop, $"c{fresh.Dequeue()}@shop.example");
        }

        // Access reads customers not yet erased, each once per side, so neither meets a row the other just cached.
        var access = await AlternateAsync(Rounds,
            async () => await AccessWithPackageAsync(connectors, Email(fresh.Dequeue())),
            async () => await HandAccessAsync(shop, $"c{fresh.Dequeue()}@shop.example"));
        var erase = await AlternateAsync(Rounds,
            async () => await connectors.EraseAsync(await connectors.PlanAsync([Email(fresh.Dequeue())], default), Guid.Empty, default),
            async () => await HandEraseAsync(shop, $"c{fresh.Dequeue()}@shop.example"));
        var many = await AlternateAsync(BatchRounds,
            async () => await connectors.EraseManyAsync(Enumerable.Range(0, Batch).Select(_ => (IReadOnlyList<Identity>)[Email(fresh.Dequeue())]).ToList(), default),
            async () => { for (var i = 0; i < Batch; i++) await HandEraseAsync(shop, $"c{fresh.Dequeue()}@shop.example"); });

        Console.WriteLine($"shop: {customers:N0} customers, {customers * 10L:N0} related rows (PostgreSQL)");
        Console.WriteLine("| operation | engine (median) | hand-written SQL (median) | ratio |");
        Console.WriteLine("|---|---|---|---|");
        Row("one access request (plan + queries + zip package)", access);
        Row("one erasure", erase);
        Row($"{Batch:N0} erasures (engine: EraseManyAsync; baseline: one request after another)", many);
        return 0;
    }

    /// <summary>What an access request does end to end: the plan, the queries, and the zip the person downloads (data.json, CSVs, index.html).</summary>
    private static async Task<byte[]> AccessWithPackageAsync(DataConnectors connectors, Identity person)
    {
        var found = await connectors.AccessAsync(await connectors.PlanAsync([person], default), Guid.Empty, default);
        var collections = found.Collections.Select(c => new Steward.Rights.PackageSection(c.Collection, c.Categories, c.Rows)).ToList();
        return await Steward.Rights.AccessPackage.BuildAsync(Guid.Empty, "access", "en", TimeProvider.System.GetUtcNow(), collections, policy: null);
    }

    private static void Row(string what, (double Engine, double Baseline) t) =>
        Console.WriteLine($"| {what} | {t.Engine:F2} ms | {t.Baseline:F2} ms | {t.Engine / t.Baseline:F2} |");

    private static async Task<(double, double)> AlternateAsync(int rounds, Func<Task> engine, Func<Task> baseline)
    {
        var e = new List<double>();
        var b = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            // Alternate which goes first, so neither always meets a warmer cache.
            if (i % 2 == 0) { e.Add(await TimeAsync(engine)); b.Add(await TimeAsync(baseline)); }
            else { b.Add(await TimeAsync(baseline)); e.Add(await TimeAsync(engine)); }
        }
        return (Median(e), Median(b));
    }

    private static async Task<double> TimeAsync(Func<Task> run)
    {
        var watch = Stopwatch.StartNew();
        await run();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>What a developer would write for one access request: find the customer, then each table by the customer's id.</summary>
    private static async Task HandAccessAsync(string shop, string email)
    {
        await using var c = new NpgsqlConnection(shop);
        await c.OpenAsync();
        var customer = await ReadAsync(c, "SELECT id, email, name, phone, created_at FROM customers WHERE email = $1", email);
        if (customer.Count == 0) return;
        var id = (long)customer[0][0]!;
        await ReadAsync(c, "SELECT id, customer_id, street, city, postcode FROM addresses WHERE customer_id = $1", id);
        var orders = await ReadAsync(c, "SELECT id, customer_id, created_at, total_cents, note FROM orders WHERE customer_id = $1", id);
        await ReadAsync(c, "SELECT id, order_id, sku, quantity, price_cents, gift_message FROM order_items WHERE order_id = ANY($1)", orders.Select(o => (long)o[0]!).ToArray());
        await ReadAsync(c, "SELECT id, customer_id, holder_name, last4, expiry FROM payment_cards WHERE customer_id = $1", id);
        await ReadAsync(c, "SELECT id, customer_id, at, ip FROM logins WHERE customer_id = $1", id);
        await ReadAsync(c, "SELECT id, customer_id, subject, body FROM support_tickets WHERE customer_id = $1", id);
    }

    /// <summary>What a developer would write for one erasure: the same masks and deletions, in one transaction.</summary>
    private static async Task HandEraseAsync(string shop, string email)
    {
        await using var c = new NpgsqlConnection(shop);
        await c.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        var customer = await ReadAsync(c, "SELECT id FROM customers WHERE email = $1", email);
        if (customer.Count == 0) return;
        var id = (long)customer[0][0]!;
        var orders = (await ReadAsync(c, "SELECT id FROM orders WHERE customer_id = $1", id)).Select(o => (long)o[0]!).ToArray();
        await ExecuteAsync(c, "UPDATE order_items SET gift_message = NULL WHERE order_id = ANY($1)", orders);
        await ExecuteAsync(c, "UPDATE orders SET note = NULL WHERE customer_id = $1", id);
        await ExecuteAsync(c, "DELETE FROM payment_cards WHERE customer_id = $1", id);
        await ExecuteAsync(c, "DELETE FROM logins WHERE customer_id = $1", id);
        await ExecuteAsync(c, "UPDATE support_tickets SET subject = NULL, body = NULL WHERE customer_id = $1", id);
        await ExecuteAsync(c, "UPDATE addresses SET street = '(erased)', city = NULL, postcode = NULL WHERE customer_id = $1", id);
        await ExecuteAsync(c, "UPDATE customers SET email = NULL, name = NULL, phone = NULL WHERE id = $1", id);
        await tx.CommitAsync();
    }

    private static async Task<List<object?[]>> ReadAsync(NpgsqlConnection c, string sql, object value)
    {
        await using var command = new NpgsqlCommand(sql, c) { Parameters = { new() { Value = value } } };
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    private static async Task ExecuteAsync(NpgsqlConnection c, string sql, object value)
    {
        await using var command = new NpgsqlCommand(sql, c) { Parameters = { new() { Value = value } } };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<long>> FreshCustomersAsync(string shop, int count)
    {
        await using var c = new NpgsqlConnection(shop);
        await c.OpenAsync();
        var rows = await ReadAsync(c, "SELECT id FROM customers WHERE email IS NOT NULL ORDER BY random() LIMIT $1", count);
        if (rows.Count < count) throw new InvalidOperationException($"Only {rows.Count} customers are left to erase; drop the shop database to generate a new one.");
        return rows.Select(r => (long)r[0]!).ToList();
    }

    /// <summary>
    /// The shop database for this size: generated on first use (INSERT ... SELECT generate_series, then indexes), then reused
    /// until fewer than <paramref name="needed"/> customers are left unerased.
    /// </summary>
    private static async Task<string> ShopAsync(string server, int customers, int needed)
    {
        var name = $"steward_bench_shop_{customers}";
        var shop = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", admin) { Parameters = { new() { Value = name } } };
            if (await exists.ExecuteScalarAsync() is not null)
            {
                await using var ready = new NpgsqlConnection(shop);
                await ready.OpenAsync();
                await using var check = new NpgsqlCommand("SELECT to_regclass('bench_ready') IS NOT NULL", ready);
                await using var left = new NpgsqlCommand("SELECT count(*) FROM customers WHERE email IS NOT NULL", ready);
                if ((bool)(await check.ExecuteScalarAsync())! && (long)(await left.ExecuteScalarAsync())! >= needed) return shop;
                await ready.CloseAsync();
                NpgsqlConnection.ClearAllPools();
                await new NpgsqlCommand($"DROP DATABASE {name} WITH (FORCE)", admin).ExecuteNonQueryAsync();
            }
            await new NpgsqlCommand($"CREATE DATABASE {name}", admin).ExecuteNonQueryAsync();
        }
        var watch = Stopwatch.StartNew();
        await using var c = new NpgsqlConnection(shop);
        await c.OpenAsync();
        var n = customers.ToString(CultureInfo.InvariantCulture);
        foreach (var sql in new[]
        {
            "CREATE TABLE customers (id bigint NOT NULL, email text, name text, phone text, created_at timestamptz NOT NULL)",
            "CREATE TABLE addresses (id bigint NOT NULL, customer_id bigint NOT NULL, street text, city text, postcode text)",
            "CREATE TABLE orders (id bigint NOT NULL, customer_id bigint NOT NULL, created_at timestamptz NOT NULL, total_cents integer NOT NULL, note text)",
            "CREATE TABLE order_items (id bigint NOT NULL, order_id bigint NOT NULL, sku text NOT NULL, quantity integer NOT NULL, price_cents integer NOT NULL, gift_message text)",
            "CREATE TABLE payment_cards (id bigint NOT NULL, customer_id bigint NOT NULL, holder_name text, last4 text, expiry text)",
            "CREATE TABLE logins (id bigint NOT NULL, customer_id bigint NOT NULL, at timestamptz NOT NULL, ip text)",
            "CREATE TABLE support_tickets (id bigint NOT NULL, customer_id bigint NOT NULL, subject text, body text)",
            // 1 + 1 address + 2 orders × 2 items + 1 card + 1.5 logins + 0.5 tickets = 10 related rows per customer.
            $"INSERT INTO customers SELECT g, 'c' || g || '@shop.example', 'Customer ' || g, '+86138' || lpad(g::text, 8, '0'), now() - (g % 1000) * interval '1 day' FROM generate_series(1, {n}) g",
            $"INSERT INTO addresses SELECT g, g, g || ' Garden Road', 'Shanghai', lpad((g % 100000)::text, 6, '0') FROM generate_series(1, {n}) g",
            $"INSERT INTO orders SELECT g, (g - 1) % {n} + 1, now() - (g % 700) * interval '1 hour', 100 + g % 10000, CASE WHEN g % 3 = 0 THEN 'leave at the door' END FROM generate_series(1, 2 * {n}) g",
            $"INSERT INTO order_items SELECT g, (g - 1) % (2 * {n}) + 1, 'SKU-' || g % 5000, 1 + g % 3, 100 + g % 5000, CASE WHEN g % 10 = 0 THEN 'happy birthday' END FROM generate_series(1, 4 * {n}) g",
            $"INSERT INTO payment_cards SELECT g, g, 'Customer ' || g, lpad((g % 10000)::text, 4, '0'), '12/29' FROM generate_series(1, {n}) g",
            $"INSERT INTO logins SELECT g, (g - 1) % {n} + 1, now() - (g % 5000) * interval '1 minute', '10.' || g % 256 || '.' || g / 256 % 256 || '.1' FROM generate_series(1, {n} * 3 / 2) g",
            $"INSERT INTO support_tickets SELECT g, ((g - 1) * 2) % {n} + 1, 'Where is my order?', 'Order placed ' || g || ' days ago' FROM generate_series(1, {n} / 2) g",
            "ALTER TABLE customers ADD PRIMARY KEY (id)",
            "CREATE UNIQUE INDEX ON customers (email)",
            "ALTER TABLE addresses ADD PRIMARY KEY (id), ADD FOREIGN KEY (customer_id) REFERENCES customers(id)",
            "ALTER TABLE orders ADD PRIMARY KEY (id), ADD FOREIGN KEY (customer_id) REFERENCES customers(id)",
            "ALTER TABLE order_items ADD PRIMARY KEY (id), ADD FOREIGN KEY (order_id) REFERENCES orders(id)",
            "ALTER TABLE payment_cards ADD PRIMARY KEY (id), ADD FOREIGN KEY (customer_id) REFERENCES customers(id)",
            "ALTER TABLE logins ADD PRIMARY KEY (id), ADD FOREIGN KEY (customer_id) REFERENCES customers(id)",
            "ALTER TABLE support_tickets ADD PRIMARY KEY (id), ADD FOREIGN KEY (customer_id) REFERENCES customers(id)",
            "CREATE INDEX ON addresses (customer_id)",
            "CREATE INDEX ON orders (customer_id)",
            "CREATE INDEX ON order_items (order_id)",
            "CREATE INDEX ON payment_cards (customer_id)",
            "CREATE INDEX ON logins (customer_id)",
            "CREATE INDEX ON support_tickets (customer_id)",
            "VACUUM ANALYZE",
            "CREATE TABLE bench_ready (at timestamptz)",
        })
        {
            await using var command = new NpgsqlCommand(sql, c) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync();
        }
        Console.WriteLine($"generated the shop ({customers:N0} customers) in {watch.Elapsed.TotalMinutes:F1} min");
        return shop;
    }

    /// <summary>The shop as a dataset: references come from the foreign keys; payment cards and logins are deleted, the rest masked.</summary>
    private const string ShopDataset = """
        dataset:
          - fides_key: bench_shop
            collections:
              - name: customers
                fields:
                  - { name: id, data_categories: [user.unique_id], fides_meta: { primary_key: true } }
                  - { name: email, data_categories: [user.contact.email], fides_meta: { identity: email } }
                  - { name: name, data_categories: [user.name] }
                  - { name: phone, data_categories: [user.contact.phone_number] }
                  - { name: created_at, data_categories: [system.operations] }
              - name: addresses
                fields:
                  - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
                  - { name: customer_id, data_categories: [user.unique_id] }
                  - { name: street, data_categories: [user.contact.address.street], fides_meta: { masking_strategy_override: { strategy: string_rewrite, configuration: { rewrite_value: "(erased)" } } } }
                  - { name: city, data_categories: [user.contact.address.city] }
                  - { name: postcode, data_categories: [user.contact.address.postal_code] }
              - name: orders
                fields:
                  - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
                  - { name: customer_id, data_categories: [user.unique_id] }
                  - { name: created_at, data_categories: [system.operations] }
                  - { name: total_cents, data_categories: [user.financial], fides_meta: { retain: legal-obligation, retain_reason: "Invoices are kept under tax law." } }
                  - { name: note, data_categories: [user.content.private] }
              - name: order_items
                fields:
                  - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
                  - { name: order_id, data_categories: [system.operations] }
                  - { name: sku, data_categories: [system.operations] }
                  - { name: quantity, data_categories: [system.operations] }
                  - { name: price_cents, data_categories: [system.operations] }
                  - { name: gift_message, data_categories: [user.content.private] }
              - name: payment_cards
                fides_meta: { erase: delete }
                fields:
                  - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
                  - { name: customer_id, data_categories: [user.unique_id] }
                  - { name: holder_name, data_categories: [user.name] }
                  - { name: last4, data_categories: [user.financial] }
                  - { name: expiry, data_categories: [user.financial] }
              - name: logins
                fides_meta: { erase: delete }
                fields:
                  - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
                  - { name: customer_id, data_categories: [user.unique_id] }
                  - { name: at, data_categories: [system.operations] }
                  - { name: ip, data_categories: [user.device.ip_address] }
              - name: support_tickets
                fields:
                  - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
                  - { name: customer_id, data_categories: [user.unique_id] }
                  - { name: subject, data_categories: [user.content.private] }
                  - { name: body, data_categories: [user.content.private] }
        """;
}
