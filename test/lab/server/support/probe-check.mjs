// An invariant checker behind the lab's check seam, for testing `lab check` before the ORM's:
// every partner whose ref is VIOLATION is one violation.
export async function checkDatabase(client, db) {
  const r = await client.query("SELECT id FROM res_partner WHERE ref = 'VIOLATION' ORDER BY id");
  return r.rows.map((row) => `${db}: res.partner ${row.id} is marked VIOLATION`);
}
