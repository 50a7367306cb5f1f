#!/usr/bin/env python3
"""The whole logistics flow through Python's standard xmlrpc.client (a client not written in
this project): a storable product with stock, a customer, an order created and confirmed, its
delivery validated with a tracking reference, the order invoiced and the invoice posted; then a
second confirmed order. Prints what each step returned as one JSON document.

  logistics-flow.py URL DB
"""
from datetime import datetime, timedelta
import json
import sys
import xmlrpc.client

URL, DB = sys.argv[1], sys.argv[2]
common = xmlrpc.client.ServerProxy(URL + '/xmlrpc/2/common')
models = xmlrpc.client.ServerProxy(URL + '/xmlrpc/2/object')
uid = common.authenticate(DB, 'admin', 'admin', {})
out = {'version': common.version(), 'uid': uid}


def call(model, method, args, kwargs=None):
    return models.execute_kw(DB, uid, 'admin', model, method, args, kwargs or {})


def committed_none(model, method, args, kwargs=None):
    """Odoo commits these, then fails to marshal their None result: fault 1."""
    try:
        return ['returned', call(model, method, args, kwargs)]
    except xmlrpc.client.Fault as fault:
        return ['fault', fault.faultCode, fault.faultString.strip().splitlines()[-1]]


product = call('product.product', 'create', [{'name': 'Pallet', 'detailed_type': 'product', 'list_price': 11.5,
                                              'default_code': 'FLOW-P-1', 'invoice_policy': 'delivery'}])
for i in range(4):
    call('res.partner', 'create', [{'name': 'Filler %d' % i}])
customer = call('res.partner', 'create', [{'name': 'Cust A', 'is_company': True, 'ref': 'FLOW-C-1'}])
stock = call('stock.warehouse', 'search_read', [[]], {'fields': ['lot_stock_id'], 'limit': 1})[0]['lot_stock_id'][0]
quant = call('stock.quant', 'create', [{'product_id': product, 'location_id': stock, 'inventory_quantity': 100}],
             {'context': {'inventory_mode': True}})
out['apply_inventory'] = committed_none('stock.quant', 'action_apply_inventory', [[quant]])
order = call('sale.order', 'create', [{'partner_id': customer, 'order_line': [
    (0, 0, {'product_id': product, 'product_uom_qty': 3, 'price_unit': 11.5})]}])
out['confirm'] = call('sale.order', 'action_confirm', [[order]])
picking = call('sale.order', 'read', [[order], ['picking_ids']])[0]['picking_ids'][0]
out['picking_before'] = call('stock.picking', 'read', [[picking], ['state']])[0]['state']
out['validate'] = call('stock.picking', 'button_validate', [[picking]])
out['tracking'] = call('stock.picking', 'write', [[picking], {'carrier_tracking_ref': 'TRK1'}])
out['picking_after'] = call('stock.picking', 'read', [[picking], ['state', 'carrier_tracking_ref']])[0]
wizard = call('sale.advance.payment.inv', 'create', [{'advance_payment_method': 'delivered',
                                                     'sale_order_ids': [(6, 0, [order])]}])
out['create_invoices'] = committed_none('sale.advance.payment.inv', 'create_invoices', [[wizard]])
invoices = call('sale.order', 'read', [[order], ['invoice_ids']])[0]['invoice_ids']
out['post'] = call('account.move', 'action_post', [invoices])
out['invoice'] = call('account.move', 'read', [invoices, ['name', 'state', 'amount_total']])[0]
out['quant_after'] = call('stock.quant', 'search_read', [[('product_id', '=', product), ('location_id', '=', stock)]],
                          {'fields': ['quantity']})
second = call('sale.order', 'create', [{'partner_id': customer, 'order_line': [
    (0, 0, {'product_id': product, 'product_uom_qty': 1})]}])
out['confirm_second'] = call('sale.order', 'action_confirm', [[second]])
# stock.picking is ordered by scheduled_date, then id descending. The recorded exchange's second
# delivery was scheduled 6 s after the first; confirmed within the same second here, the two would
# tie and the newer would come first, as on Odoo. Schedule it later, as in the recording.
[first_picking] = call('stock.picking', 'read', [[picking]], {'fields': ['scheduled_date']})
[second_picking] = call('sale.order', 'read', [[second]], {'fields': ['picking_ids']})
later = (datetime.strptime(first_picking['scheduled_date'], '%Y-%m-%d %H:%M:%S') + timedelta(seconds=6)).strftime('%Y-%m-%d %H:%M:%S')
call('stock.picking', 'write', [second_picking['picking_ids'], {'scheduled_date': later}])
out['ids'] = {'product': product, 'customer': customer, 'order': order, 'picking': picking, 'invoices': invoices}
print(json.dumps(out))
