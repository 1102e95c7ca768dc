using Steward.Connectors;
using Steward.People;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Connectors;

/// <summary>Access and erasure over the example shop dataset: one plan reaches every collection of one person and nobody else's rows.</summary>
public sealed class FulfilmentTests
{
    private static readonly string ShopYaml = File.ReadAllText(Repository.PathOf("examples", "datasets", "shop.yml"));

    private static readonly Identity[] Alice = [new(IdentityType.Email, CompanyDatabase.AliceEmail), new(IdentityType.Phone, CompanyDatabase.AlicePhone)];

    internal static async Task<DataConnectors> ConnectAsync(StewardTestApp app, CompanyDatabase company, string yaml)
    {
        await app.Services<ConnectionDirectory>().AddAsync("shop-db", company.Type, company.ConnectionString, "test", CancellationToken.None);
        var import = await app.Services<DataConnectors>().ImportAsync(yaml, "shop-db", "test", CancellationToken.None);
        Assert.True(import.Stored, string.Join("\n", import.Problems.Select(p => p.Format("shop.yml"))));
        return app.Services<DataConnectors>();
    }

    [Theory]
    [InlineData(ConnectionTypes.Sqlite)]
    [InlineData(ConnectionTypes.Postgres)]
    public async Task Access_shows_every_row_of_the_person_and_erasure_reaches_each_while_another_person_stays_untouched(string type)
    {
        await using var company = await CompanyDatabase.CreateAsync(type);
        await using var app = await StewardTestApp.StartAsync();
        var connectors = await ConnectAsync(app, company, ShopYaml);
        var bobBefore = await BobRowsAsync(company);

        var plan = await connectors.PlanAsync(Alice, CancellationToken.None);
        var access = await connectors.AccessAsync(plan, Guid.NewGuid(), CancellationToken.None);
        var rows = access.Collections.ToDictionary(c => c.Collection, c => c.Rows);
        Assert.Equal(["shop:address", "shop:country", "shop:customer", "shop:logins", "shop:newsletter", "shop:order_items", "shop:orders", "shop:phone_book"], rows.Keys.Order());
        Assert.All(rows.Values, r => Assert.Single(r));
        Assert.Equal("Alice", rows["shop:customer"][0]["name"]);
        Assert.Equal("happy birthday", rows["shop:order_items"][0]["gift_message"]);
        Assert.Equal("Ali", rows["shop:phone_book"][0]["nickname"]);
        Assert.Equal(["user.contact.email"], access.Collections.First(c => c.Collection == "shop:customer").Categories["email"]);

        var report = await connectors.EraseAsync(plan, Guid.NewGuid(), CancellationToken.None);
        Assert.Null(await company.ScalarAsync("SELECT email FROM customer WHERE id = 1"));
        Assert.Null(await company.ScalarAsync("SELECT name FROM customer WHERE id = 1"));
        Assert.Equal("(erased)", await company.ScalarAsync("SELECT street FROM address WHERE id = 10"));
        Assert.Matches("^[0-9a-f]{64}$", (string)(await company.ScalarAsync("SELECT note FROM orders WHERE id = 100"))!);
        Assert.Equal(4200L, Convert.ToInt64(await company.ScalarAsync("SELECT invoice_amount FROM orders WHERE id = 100"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Matches("^[0-9a-f]{64}$", (string)(await company.ScalarAsync("SELECT gift_message FROM order_items WHERE id = 1000"))!);
        Assert.Equal(0L, Convert.ToInt64(await company.ScalarAsync("SELECT count(*) FROM logins WHERE customer_id = 1"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Null(await company.ScalarAsync("SELECT email FROM newsletter WHERE topic = 'deals' AND email IS NULL LIMIT 1"));
        Assert.Equal(1L, Convert.ToInt64(await company.ScalarAsync("SELECT count(*) FROM newsletter WHERE email IS NULL"), System.Globalization.CultureInfo.InvariantCulture));
        var nickname = (string)(await company.ScalarAsync("SELECT nickname FROM phone_book WHERE id = 'pa'"))!;
        Assert.NotEqual("Ali", nickname);
        Assert.Equal(12, nickname.Length);
        Assert.Equal("China", await company.ScalarAsync("SELECT name FROM country WHERE id = 1"));
        Assert.Contains(report.Retained, r => r.Field == "invoice_amount" && r.Reason.Contains("tax law", StringComparison.Ordinal));
        Assert.True(report.Collections.Single(c => c.Collection == "shop:logins").Deleted);

        Assert.Equal(bobBefore, await BobRowsAsync(company));
    }

    [Fact]
    public async Task A_lookup_table_reached_by_a_to_reference_never_leads_to_other_people_who_share_it()
    {
        await using var company = await CompanyDatabase.CreateAsync(ConnectionTypes.Sqlite);
        await using var app = await StewardTestApp.StartAsync();
        var connectors = await ConnectAsync(app, company, ShopYaml);

        var plan = await connectors.PlanAsync([new(IdentityType.Email, CompanyDatabase.AliceEmail)], CancellationToken.None);
        var customer = plan.Steps.Single(s => s.Address.Collection == "customer");
        var country = plan.Steps.Single(s => s.Address.Collection == "country");
        // The country is looked up from Alice's row; nothing flows back from the country to customers.
        Assert.True(customer.Index < country.Index);
        Assert.DoesNotContain(customer.Inputs, i => i.FromCollection == country.Address);
        Assert.DoesNotContain(plan.Steps, s => s.Inputs.Any(i => i.FromCollection == country.Address));

        var access = await connectors.AccessAsync(plan, Guid.NewGuid(), CancellationToken.None);
        Assert.DoesNotContain(access.Collections.SelectMany(c => c.Rows).SelectMany(r => r.Values), v => v is string s && s.Contains("bob", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Collections_are_read_children_first_erased_children_first_and_after_and_erase_after_are_honoured()
    {
        await using var company = await CompanyDatabase.CreateAsync(ConnectionTypes.Sqlite);
        await using var app = await StewardTestApp.StartAsync();
        var yaml = ShopYaml.Replace("      - name: newsletter\n", "      - name: newsletter\n        fides_meta: { after: [shop.phone_book], erase_after: [shop.customer] }\n", StringComparison.Ordinal);
        var connectors = await ConnectAsync(app, company, yaml);

        var plan = await connectors.PlanAsync(Alice, CancellationToken.None);
        int Read(string c) => plan.Steps.Single(s => s.Address.Collection == c).Index;
        int Erased(string c) => plan.ErasureOrder.ToList().IndexOf(Read(c));
        Assert.True(Read("customer") < Read("orders") && Read("orders") < Read("order_items"));
        Assert.True(Erased("order_items") < Erased("orders") && Erased("orders") < Erased("customer"));
        Assert.True(Read("phone_book") < Read("newsletter"));
        Assert.True(Erased("customer") < Erased("newsletter"));
    }

    [Fact]
    public async Task Steps_resume_from_their_json_and_repeating_an_erasure_step_changes_nothing_more()
    {
        await using var company = await CompanyDatabase.CreateAsync(ConnectionTypes.Sqlite);
        await using var app = await StewardTestApp.StartAsync();
        var connectors = await ConnectAsync(app, company, ShopYaml);
        var plan = await connectors.PlanAsync(Alice, CancellationToken.None);

        // As the rights feature would: each step's output is persisted as JSON and read back before the next step.
        var saved = new Dictionary<string, string>();
        foreach (var step in plan.Steps)
        {
            var earlier = saved.ToDictionary(kv => kv.Key, kv => StepOutput.FromJson(kv.Value));
            saved[step.Address.ToString()] = (await connectors.CollectStepAsync(plan, step.Index, earlier, CollectFor.Erasure, CancellationToken.None)).ToJson();
        }
        Assert.DoesNotContain(CompanyDatabase.AliceEmail, string.Join("", saved.Values.Where(v => v.Contains("\"masks\":{\"", StringComparison.Ordinal))), StringComparison.Ordinal);

        var orders = plan.Steps.Single(s => s.Address.Collection == "orders");
        foreach (var i in plan.ErasureOrder)
            await connectors.EraseStepAsync(plan, i, StepOutput.FromJson(saved[plan.Steps[i].Address.ToString()]), CancellationToken.None);
        var afterOnce = await company.DumpAsync("orders", "1 = 1") + await company.DumpAsync("order_items", "1 = 1") + await company.DumpAsync("phone_book", "1 = 1");

        // A crash after the orders step committed but before its progress was saved: the step runs again.
        await connectors.EraseStepAsync(plan, orders.Index, StepOutput.FromJson(saved[orders.Address.ToString()]), CancellationToken.None);
        foreach (var i in plan.ErasureOrder)
            await connectors.EraseStepAsync(plan, i, StepOutput.FromJson(saved[plan.Steps[i].Address.ToString()]), CancellationToken.None);
        Assert.Equal(afterOnce, await company.DumpAsync("orders", "1 = 1") + await company.DumpAsync("order_items", "1 = 1") + await company.DumpAsync("phone_book", "1 = 1"));
    }

    [Fact]
    public async Task Erasing_many_people_at_once_reaches_each_of_them_and_rectification_corrects_declared_fields()
    {
        await using var company = await CompanyDatabase.CreateAsync(ConnectionTypes.Sqlite);
        await company.ExecuteAsync("INSERT INTO customer VALUES (3, 'carol.private@example.com', 'Carol', 1)");
        await using var app = await StewardTestApp.StartAsync();
        var connectors = await ConnectAsync(app, company, ShopYaml);

        var plan = await connectors.PlanAsync([new(IdentityType.Email, "carol.private@example.com")], CancellationToken.None);
        var changed = await connectors.RectifyAsync(plan, new Dictionary<string, string?> { ["shop:customer.name"] = "Caroline" }, CancellationToken.None);
        Assert.Equal(1, changed["shop:customer"]);
        Assert.Equal("Caroline", await company.ScalarAsync("SELECT name FROM customer WHERE id = 3"));
        Assert.Equal("Bob", await company.ScalarAsync("SELECT name FROM customer WHERE id = 2"));
        await Assert.ThrowsAsync<ConnectorException>(() => connectors.RectifyAsync(plan, new Dictionary<string, string?> { ["shop:customer.id"] = "9" }, CancellationToken.None));

        await connectors.EraseManyAsync([[new(IdentityType.Email, CompanyDatabase.AliceEmail)], [new(IdentityType.Email, CompanyDatabase.BobEmail)]], CancellationToken.None);
        Assert.Equal(2L, await company.ScalarAsync("SELECT count(*) FROM customer WHERE email IS NULL"));
        Assert.Equal("carol.private@example.com", await company.ScalarAsync("SELECT email FROM customer WHERE id = 3"));
        Assert.Equal(0L, await company.ScalarAsync("SELECT count(*) FROM logins"));
    }

    [Theory]
    [InlineData(ConnectionTypes.Sqlite)]
    [InlineData(ConnectionTypes.Postgres)]
    public async Task A_failing_statement_names_the_collection_but_never_the_persons_values(string type)
    {
        await using var company = await CompanyDatabase.CreateAsync(type);
        // The database's own message would carry the email: the trigger puts it there.
        await company.ExecuteAsync(type == ConnectionTypes.Sqlite
            ? "CREATE TRIGGER no_erase BEFORE UPDATE ON customer BEGIN SELECT RAISE(ABORT, OLD.email); END;"
            : "CREATE FUNCTION no_erase() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused for %', OLD.email; END $$ LANGUAGE plpgsql; "
              + "CREATE TRIGGER no_erase BEFORE UPDATE ON customer FOR EACH ROW EXECUTE FUNCTION no_erase();");
        await using var app = await StewardTestApp.StartAsync();
        var connectors = await ConnectAsync(app, company, ShopYaml);
        var plan = await connectors.PlanAsync(Alice, CancellationToken.None);

        var e = await Assert.ThrowsAsync<ConnectorException>(() => connectors.EraseAsync(plan, Guid.NewGuid(), CancellationToken.None));
        Assert.Contains("shop:customer", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(CompanyDatabase.AliceEmail, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(CompanyDatabase.AliceEmail, StringComparison.Ordinal));
        Assert.DoesNotContain(CompanyDatabase.AliceEmail, plan.ToString(), StringComparison.Ordinal);
        // The collection commits whole or not at all: Alice's customer row is as it was.
        Assert.Equal(CompanyDatabase.AliceEmail, await company.ScalarAsync("SELECT email FROM customer WHERE id = 1"));
    }

    private static async Task<string> BobRowsAsync(CompanyDatabase company) => string.Join("\n",
        await company.DumpAsync("customer", "id = 2"), await company.DumpAsync("address", "customer_id = 2"), await company.DumpAsync("orders", "customer_id = 2"),
        await company.DumpAsync("order_items", "order_id = 200"), await company.DumpAsync("logins", "customer_id = 2"),
        await company.DumpAsync("newsletter", $"email = '{CompanyDatabase.BobEmail}'"), await company.DumpAsync("phone_book", "id = 'pb'"), await company.DumpAsync("country", "1 = 1"));
}
