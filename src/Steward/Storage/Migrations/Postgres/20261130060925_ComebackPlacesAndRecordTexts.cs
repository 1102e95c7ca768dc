using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Steward.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ComebackPlacesAndRecordTexts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "TextKeyVersion",
                table: "rights_request_events",
                type: "integer",
                nullable: true);

            migrationBuilder.AlterColumn<Guid>(
                name: "SubjectId",
                table: "erasure_comeback_findings",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AddColumn<string>(
                name: "Location",
                table: "erasure_comeback_findings",
                type: "character varying(400)",
                maxLength: 400,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_erasure_comeback_findings_TombstoneId_Location",
                table: "erasure_comeback_findings",
                columns: new[] { "TombstoneId", "Location" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_erasure_comeback_findings_TombstoneId_Location",
                table: "erasure_comeback_findings");

            migrationBuilder.DropColumn(
                name: "TextKeyVersion",
                table: "rights_request_events");

            migrationBuilder.DropColumn(
                name: "Location",
                table: "erasure_comeback_findings");

            migrationBuilder.AlterColumn<Guid>(
                name: "SubjectId",
                table: "erasure_comeback_findings",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);
        }
    }
}
