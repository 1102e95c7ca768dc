using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Steward.Storage.Migrations.Postgres
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
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RunOwner",
                table: "rights_requests",
                type: "character varying(100)",
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
