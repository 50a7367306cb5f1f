// What sales, stock and invoicing lines take from a product when the caller leaves it out:
// display name ("[code] name"), sales description, unit, sales price, type and customer taxes.
import type { Runtime } from './model.js';

export interface ProductInfo {
  display: string;
  description_sale: string | null;
  uom_id: number;
  list_price: number;
  type: string;
  taxes: number[];
}

export async function productInfo(
  rt: Runtime,
  productId: number,
): Promise<ProductInfo | undefined> {
  const [product] = await rt.query<ProductInfo & { taxes: number[] | null }>(
    `SELECT CASE WHEN p.default_code IS NOT NULL THEN '[' || p.default_code || '] ' ELSE '' END || (t.name->>'en_US') AS display,
            t.description_sale->>'en_US' AS description_sale, t.uom_id, t.list_price::float8 AS list_price, t.type,
            (SELECT array_agg(r.tax_id ORDER BY r.tax_id) FROM product_taxes_rel r WHERE r.prod_id = t.id) AS taxes
       FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id WHERE p.id = $1`,
    [productId],
  );
  return product ? { ...product, taxes: product.taxes ?? [] } : undefined;
}
