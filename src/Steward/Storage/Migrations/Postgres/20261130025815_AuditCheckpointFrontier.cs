using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Steward.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditCheckpointFrontier : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Frontier",
                table: "audit_checkpoints",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastHash",
                table: "audit_checkpoints",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Frontier",
                table: "audit_checkpoints");

            migrationBuilder.DropColumn(
                name: "LastHash",
                table: "audit_checkpoints");
        }
    }
}
