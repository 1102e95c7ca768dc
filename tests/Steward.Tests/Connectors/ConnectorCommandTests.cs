using Microsoft.Data.Sqlite;
using Steward.Connectors;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Connectors;

/// <summary>The <c>connection</c> and <c>dataset</c> verbs as an operator uses them.</summary>
public sealed class ConnectorCommandTests
{
    private static readonly string ShopFile = Repository.PathOf("examples", "datasets", "shop.yml");

    [Fact]
    public async Task A_connection_string_is_stored_encrypted_and_never_printed_and_a_down_database_fails_with_a_reason()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var company = await CompanyDatabase.CreateAsync(ConnectionTypes.Sqlite);
        var secretPath = company.ConnectionString;
        Assert.Equal(0, (await StewardCli.RunAsync(db, "", "connection", "add", "shop-db", "--type", "sqlite", "--connection-string", secretPath)).ExitCode);
        var down = "Host=127.0.0.1;Port=1;Username=u;Password=hunter2-secret;Timeout=2";
        Assert.Equal(0, (await StewardCli.RunAsync(db, "", "connection", "add", "down-db", "--type", "postgres", "--connection-string", down)).ExitCode);

        var list = await StewardCli.RunAsync(db, "", "connection", "list");
        Assert.Contains("shop-db\tsqlite", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", list.Stdout + list.Stderr, StringComparison.Ordinal);

        Assert.Equal(0, (await StewardCli.RunAsync(db, "", "connection", "test", "shop-db")).ExitCode);
        var test = await StewardCli.RunAsync(db, "", "connection", "test", "down-db");
        Assert.Equal(1, test.ExitCode);
        Assert.Single(test.StderrLines);
        Assert.Contains("down-db' is down", test.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", test.Stdout + test.Stderr, StringComparison.Ordinal);

        await using (var steward = await OpenStewardAsync(db))
        {
            await using var command = steward.CreateCommand();
            command.CommandText = "SELECT \"Secret\" FROM connections";
            await using var reader = await command.ExecuteReaderAsync();
            var rows = 0;
            while (await reader.ReadAsync())
            {
                rows++;
                var stored = System.Text.Encoding.UTF8.GetString((byte[])reader.GetValue(0));
                Assert.DoesNotContain("hunter2", stored, StringComparison.Ordinal);
                Assert.DoesNotContain("shop.db", stored, StringComparison.Ordinal);
            }
            Assert.Equal(2, rows);
        }

        var audit = await StewardCli.RunAsync(db, "", "audit", "verify");
        Assert.Equal(0, audit.ExitCode);
        Assert.Equal(0, (await StewardCli.RunAsync(db, "", "connection", "remove", "down-db")).ExitCode);
        Assert.DoesNotContain("down-db", (await StewardCli.RunAsync(db, "", "connection", "list")).Stdout, StringComparison.Ordinal);
        Assert.Equal(1, (await StewardCli.RunAsync(db, "", "connection", "remove", "down-db")).ExitCode);
    }

    [Fact]
    public async Task Importing_a_bad_dataset_names_each_problem_with_its_line_and_column_and_stores_nothing()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var company = await CompanyDatabase.CreateAsync(ConnectionTypes.Sqlite);
        await StewardCli.RunAsync(db, "", "connection", "add", "shop-db", "--type", "sqlite", "--connection-string", company.ConnectionString);
        var folder = Directory.CreateTempSubdirectory("steward-dataset-").FullName;
        var file = Path.Combine(folder, "bad.yml");
        await File.WriteAllTextAsync(file, """
            dataset:
              - fides_key: shop
                colour: blue
                collections:
                  - name: customer
                    fields:
                      - name: id
                        data_categories: [user.unique_id]
                        fides_meta: { primary_key: true }
                      - name: email
                        data_categories: [user.contact.emial]
                      - name: shoe_size
                        data_categories: [user.name]
                      - name: country_id
                        data_categories: [system.operations]
                        fides_meta:
                          references: [{ dataset: shop, field: planet.id, direction: to }]
                  - name: wishes
                    fields:
                      - name: id
                        data_categories: [system.operations]
            """);

        var result = await StewardCli.RunAsync(db, "", "dataset", "import", file, "--connection", "shop-db");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{file}:3:5: unknown key 'colour'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{file}:11:31: unknown data category 'user.contact.emial'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{file}:17:28: reference to unknown collection 'shop.planet'", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", (await StewardCli.RunAsync(db, "", "dataset", "list")).Stdout);

        // Once the file is well-formed, the live database is checked: a missing table and a missing column.
        await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file)).Replace("    colour: blue\n", "", StringComparison.Ordinal).Replace("emial", "email", StringComparison.Ordinal).Replace("planet.id", "customer.id", StringComparison.Ordinal));
        result = await StewardCli.RunAsync(db, "", "dataset", "import", file, "--connection", "shop-db");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{file}:11:13: column 'customer.shoe_size' does not exist in the connected database", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{file}:17:9: table 'wishes' does not exist in the connected database", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{file}:16:28: references form a cycle (shop:customer → shop:customer)", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_uses_foreign_keys_warns_where_a_reference_contradicts_one_and_gaps_name_uncovered_tables()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var company = await CompanyDatabase.CreateAsync(ConnectionTypes.Sqlite);
        await company.ExecuteAsync("CREATE TABLE wishlist (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customer(id), item TEXT);");
        await StewardCli.RunAsync(db, "", "connection", "add", "shop-db", "--type", "sqlite", "--connection-string", company.ConnectionString);
        var folder = Directory.CreateTempSubdirectory("steward-dataset-").FullName;
        var file = Path.Combine(folder, "shop.yml");
        // logins.customer_id declares a reference to address.id where the foreign key says customer.id.
        await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(ShopFile)).Replace("""
                      - name: customer_id
                        data_categories: [user.unique_id]
                      - name: ip
            """, """
                      - name: customer_id
                        data_categories: [user.unique_id]
                        fides_meta:
                          references: [{ dataset: shop, field: address.id, direction: from }]
                      - name: ip
            """, StringComparison.Ordinal));

        var result = await StewardCli.RunAsync(db, "", "dataset", "import", file, "--connection", "shop-db");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("warning: the reference of 'logins.customer_id' differs from its foreign key to 'customer.id'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Imported shop", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("shop\tshop-db", (await StewardCli.RunAsync(db, "", "dataset", "list")).Stdout, StringComparison.Ordinal);
        Assert.Contains("fides_key: shop", (await StewardCli.RunAsync(db, "", "dataset", "show", "shop")).Stdout, StringComparison.Ordinal);

        var gaps = await StewardCli.RunAsync(db, "", "dataset", "gaps");
        Assert.Equal(1, gaps.ExitCode);
        Assert.Contains("shop-db: wishlist.customer_id → customer.id is not in any dataset", gaps.Stdout, StringComparison.Ordinal);

        Assert.Equal(1, (await StewardCli.RunAsync(db, "", "connection", "remove", "shop-db")).ExitCode);
        Assert.Equal(0, (await StewardCli.RunAsync(db, "", "dataset", "remove", "shop")).ExitCode);
        Assert.Equal(0, (await StewardCli.RunAsync(db, "", "connection", "remove", "shop-db")).ExitCode);
    }

    private static async Task<System.Data.Common.DbConnection> OpenStewardAsync(TestDatabase db)
    {
        System.Data.Common.DbConnection c = db.ConnectionString is { } cs ? new Npgsql.NpgsqlConnection(cs) : new SqliteConnection($"Data Source={Path.Combine(db.DataDirectory, "steward.db")}");
        await c.OpenAsync();
        return c;
    }
}
