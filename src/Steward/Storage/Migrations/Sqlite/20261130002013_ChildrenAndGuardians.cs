using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Steward.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ChildrenAndGuardians : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "BirthDate",
                table: "data_subjects",
                type: "BLOB",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "GuardianId",
                table: "consent_events",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_consent_events_GuardianId",
                table: "consent_events",
                column: "GuardianId");

            migrationBuilder.AddForeignKey(
                name: "FK_consent_events_data_subjects_GuardianId",
                table: "consent_events",
                column: "GuardianId",
                principalTable: "data_subjects",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_consent_events_data_subjects_GuardianId",
                table: "consent_events");

            migrationBuilder.DropIndex(
                name: "IX_consent_events_GuardianId",
                table: "consent_events");

            migrationBuilder.DropColumn(
                name: "BirthDate",
                table: "data_subjects");

            migrationBuilder.DropColumn(
                name: "GuardianId",
                table: "consent_events");
        }
    }
}
