using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Steward.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RetentionRunClaim : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "LeaseUntil",
                table: "retention_runs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Owner",
                table: "retention_runs",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_retention_runs_running_scope",
                table: "retention_runs",
                column: "Scope",
                unique: true,
                filter: "\"State\" = 'running'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_retention_runs_running_scope",
                table: "retention_runs");

            migrationBuilder.DropColumn(
                name: "LeaseUntil",
                table: "retention_runs");

            migrationBuilder.DropColumn(
                name: "Owner",
                table: "retention_runs");
        }
    }
}
