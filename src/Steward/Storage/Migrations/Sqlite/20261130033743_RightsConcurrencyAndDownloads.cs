using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Steward.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RightsConcurrencyAndDownloads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A package made before download links existed has no link to send: it is made again when its request is run.
            migrationBuilder.Sql("DELETE FROM rights_packages;");

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "rights_requests",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<byte[]>(
                name: "DownloadTokenHash",
                table: "rights_packages",
                type: "BLOB",
                maxLength: 32,
                nullable: false,
                defaultValue: new byte[0]);

            migrationBuilder.CreateIndex(
                name: "IX_rights_packages_DownloadTokenHash",
                table: "rights_packages",
                column: "DownloadTokenHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_rights_packages_DownloadTokenHash",
                table: "rights_packages");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "rights_requests");

            migrationBuilder.DropColumn(
                name: "DownloadTokenHash",
                table: "rights_packages");
        }
    }
}
