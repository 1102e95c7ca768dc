using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Security;

/// <summary>Someone who can write to the database, but has no key-encryption key, forges nothing.</summary>
public sealed class DatabaseWriteTests
{
    [Fact]
    public async Task A_data_protection_key_written_into_the_table_in_clear_is_ignored()
    {
        // The attacker's own key ring, in clear, as data protection writes it.
        var dir = Directory.CreateTempSubdirectory("steward-attacker-").FullName;
        await using var attacker = new ServiceCollection().AddDataProtection().SetApplicationName("steward")
            .PersistKeysToFileSystem(new DirectoryInfo(dir)).Services.BuildServiceProvider();
        var forged = attacker.GetRequiredService<IDataProtectionProvider>().CreateProtector("steward-test").Protect("admin");
        var xml = await File.ReadAllTextAsync(Directory.GetFiles(dir, "*.xml").Single());

        await using var app = await StewardTestApp.StartAsync();
        await using (var db = await app.DbAsync())
        {
            db.Set<DataProtectionKey>().Add(new DataProtectionKey { FriendlyName = "injected", Xml = xml });
            await db.SaveChangesAsync();
        }
        // Restarted, so the key ring is read again from the table.
        await app.App.StopAsync();
        await using var restarted = await StewardTestApp.StartAsync(app.Database);
        var protector = restarted.Services<IDataProtectionProvider>().CreateProtector("steward-test");
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(forged));
        Assert.Equal("still works", protector.Unprotect(protector.Protect("still works")));
        Assert.Contains(restarted.Logs.Lines, l => l.Contains("not encrypted by Steward's key ring", StringComparison.Ordinal));
        Directory.Delete(dir, true);
    }
}
