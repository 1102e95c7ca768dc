using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Steward.Security;
using Steward.Tests.Infrastructure;

namespace Steward.Tests.Security;

/// <summary>A copy of the database forges nothing: the cookie keys are encrypted, the files owner-only.</summary>
public sealed class DatabaseCopyTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task The_cookie_protection_keys_are_not_stored_in_clear()
    {
        await using var app = await StewardTestApp.StartAsync();
        await app.AddUserAsync("dpo@example.com", Roles.PrivacyOfficer, Password);
        await StewardTestApp.SignInAsync(app.Client(), "dpo@example.com", Password);
        await using var db = await app.DbAsync();
        var rows = await db.DataProtectionKeys.AsNoTracking().ToListAsync();
        Assert.NotEmpty(rows);
        Assert.All(rows, r =>
        {
            Assert.DoesNotContain("<masterKey", r.Xml, StringComparison.Ordinal);
            Assert.Contains("encryptedByKeyRing", r.Xml, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Copied_cookie_keys_unprotect_nothing_under_another_key_encryption_key()
    {
        await using var original = await StewardTestApp.StartAsync();
        var cookie = original.Services<IDataProtectionProvider>().CreateProtector("Steward.Tests.copy").Protect("administrator");
        List<DataProtectionKey> rows;
        await using (var db = await original.DbAsync())
            rows = await db.DataProtectionKeys.AsNoTracking().ToListAsync();

        // A fresh Steward (its own key-encryption key) given the copied rows, as an attacker would set one up.
        await using var other = await StewardTestApp.StartAsync();
        await using (var db = await other.DbAsync())
        {
            db.DataProtectionKeys.AddRange(rows.Select(r => new DataProtectionKey { FriendlyName = r.FriendlyName, Xml = r.Xml }));
            await db.SaveChangesAsync();
        }
        var protector = other.Services<IDataProtectionProvider>().CreateProtector("Steward.Tests.copy");
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(cookie));
        // The original still reads it.
        Assert.Equal("administrator", original.Services<IDataProtectionProvider>().CreateProtector("Steward.Tests.copy").Unprotect(cookie));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_data_directory_steward_creates_and_the_database_files_are_owner_only()
    {
        Assert.SkipWhen(TestDatabase.IsPostgres, "the embedded default");
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "Unix file modes");
        string dir = "";
        await using var app = await StewardTestApp.StartAsync(s => dir = (string)(s["Storage:DataDirectory"] = Path.Combine(s["Storage:DataDirectory"]!, "new-data")));
        await app.AddUserAsync("dpo@example.com", Roles.PrivacyOfficer, Password);
        await StewardTestApp.SignInAsync(app.Client(), "dpo@example.com", Password);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
        var db = Path.Combine(dir, "steward.db");
        Assert.True(File.Exists(db + "-wal"), "SQLite runs in WAL mode, so the -wal file exists while Steward runs");
        foreach (var file in new[] { db, db + "-wal", db + "-shm" }.Where(File.Exists))
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task An_existing_database_readable_by_others_is_narrowed_to_its_owner()
    {
        Assert.SkipWhen(TestDatabase.IsPostgres, "the embedded default");
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "Unix file modes");
        await using var database = await TestDatabase.CreateAsync();
        await using (await StewardTestApp.StartAsync(database)) { }
        var db = Path.Combine(database.DataDirectory, "steward.db");
        File.SetUnixFileMode(db, File.GetUnixFileMode(db) | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await using var restarted = await StewardTestApp.StartAsync(database);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(db));
    }
}
