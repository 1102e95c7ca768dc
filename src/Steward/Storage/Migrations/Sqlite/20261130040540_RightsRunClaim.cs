using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Steward.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RightsRunClaim : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "RunLeaseUntil",
                table: "rights_requests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RunOwner",
                table: "rights_requests",
                type: "TEXT",
                maxLength: 100,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RunLeaseUntil",
                table: "rights_requests");

            migrationBuilder.DropColumn(
                name: "RunOwner",
                table: "rights_requests");
        }
    }
}
