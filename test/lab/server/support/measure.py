#!/usr/bin/env python3
"""Measures a running lab (or any Odoo) with Python's standard xmlrpc.client, a client not
written in this project.

  measure.py URL DB latency [--samples 30]        single-call latency of the fixture's calls
  measure.py URL DB ladder [--levels 1,2,4,8] [--seconds 20]
                                                   closed-loop clients creating a 3-line sale
                                                   order and confirming it, no think time, as
                                                   the fixture's Odoo ladder was measured
Prints one JSON document on stdout. Credentials: admin / $ODOO_PASSWORD (default admin).
Load goes only to the URL given, which must be a loopback address.
"""
import json
import os
import statistics
import sys
import threading
import time
import urllib.parse
import xmlrpc.client

URL, DB, MODE = sys.argv[1], sys.argv[2], sys.argv[3]
OPTS = dict(zip(sys.argv[4::2], sys.argv[5::2]))
if urllib.parse.urlparse(URL).hostname not in ('127.0.0.1', 'localhost', '::1'):
    sys.exit('measure.py: load goes only to a loopback address')
PASSWORD = os.environ.get('ODOO_PASSWORD', 'admin')
UID = xmlrpc.client.ServerProxy(URL + '/xmlrpc/2/common').authenticate(DB, 'admin', PASSWORD, {})


def proxy():
    return xmlrpc.client.ServerProxy(URL + '/xmlrpc/2/object', allow_none=True)


def call(models, model, method, args, kwargs=None):
    return models.execute_kw(DB, UID, PASSWORD, model, method, args, kwargs or {})


def swallow_none_fault(fn):
    try:
        return fn()
    except xmlrpc.client.Fault as fault:
        if 'cannot marshal None' not in fault.faultString:
            raise


def setup(models):
    """20 storable products with stock and 10 customers, as the fixture's Odoo had; made once."""
    products = call(models, 'product.product', 'search', [[('default_code', '=like', 'OC-P-%')]], {'limit': 20})
    partners = call(models, 'res.partner', 'search', [[('ref', '=like', 'OC-C-%')]], {'limit': 10})
    if not products:
        stock = call(models, 'stock.warehouse', 'search_read', [[]], {'fields': ['lot_stock_id'], 'limit': 1})[0]['lot_stock_id'][0]
        for i in range(1, 21):
            product = call(models, 'product.product', 'create', [{
                'name': 'Measure product %d' % i, 'default_code': 'OC-P-%04d' % i, 'detailed_type': 'product',
                'list_price': 10.0 + i, 'invoice_policy': 'delivery'}])
            quant = call(models, 'stock.quant', 'create', [{'product_id': product, 'location_id': stock,
                                                           'inventory_quantity': 1000000}], {'context': {'inventory_mode': True}})
            swallow_none_fault(lambda: call(models, 'stock.quant', 'action_apply_inventory', [[quant]]))
            products.append(product)
    if not partners:
        partners = [call(models, 'res.partner', 'create', [{'name': 'Measure customer %d' % i, 'is_company': True,
                                                            'ref': 'OC-C-%04d' % i}]) for i in range(1, 11)]
    return products, partners


def new_order(models, products, partners, i):
    lines = [(0, 0, {'product_id': products[(i + k) % len(products)], 'product_uom_qty': 1}) for k in range(3)]
    return call(models, 'sale.order', 'create', [{'partner_id': partners[i % len(partners)], 'order_line': lines,
                                                   'client_order_ref': 'OC-LOAD-measure-%d' % i}])


def timed(fn):
    t = time.perf_counter()
    value = fn()
    return value, (time.perf_counter() - t) * 1000


def latency():
    models = proxy()
    products, partners = setup(models)
    samples = int(OPTS.get('--samples', '30'))
    times = {k: [] for k in ['sale.order.create', 'sale.order.action_confirm', 'stock.picking.button_validate',
                             'stock.picking.write', 'stock.picking.read', 'sale.advance.payment.inv.create',
                             'sale.advance.payment.inv.create_invoices', 'account.move.action_post']}
    for i in range(samples):
        order, ms = timed(lambda: new_order(models, products, partners, 1000 + i))
        times['sale.order.create'].append(ms)
        _, ms = timed(lambda: call(models, 'sale.order', 'action_confirm', [[order]]))
        times['sale.order.action_confirm'].append(ms)
        picking = call(models, 'sale.order', 'read', [[order], ['picking_ids']])[0]['picking_ids'][0]
        _, ms = timed(lambda: call(models, 'stock.picking', 'button_validate', [[picking]]))
        times['stock.picking.button_validate'].append(ms)
        _, ms = timed(lambda: call(models, 'stock.picking', 'write', [[picking], {'carrier_tracking_ref': 'TRK%d' % i}]))
        times['stock.picking.write'].append(ms)
        _, ms = timed(lambda: call(models, 'stock.picking', 'read', [[picking], ['state', 'carrier_tracking_ref', 'scheduled_date']]))
        times['stock.picking.read'].append(ms)
        wizard, ms = timed(lambda: call(models, 'sale.advance.payment.inv', 'create',
                                        [{'advance_payment_method': 'delivered', 'sale_order_ids': [(6, 0, [order])]}]))
        times['sale.advance.payment.inv.create'].append(ms)
        _, ms = timed(lambda: swallow_none_fault(lambda: call(models, 'sale.advance.payment.inv', 'create_invoices', [[wizard]])))
        times['sale.advance.payment.inv.create_invoices'].append(ms)
        invoice = call(models, 'sale.order', 'read', [[order], ['invoice_ids']])[0]['invoice_ids'][0]
        _, ms = timed(lambda: call(models, 'account.move', 'action_post', [[invoice]]))
        times['account.move.action_post'].append(ms)
    return {k: {'median_ms': round(statistics.median(v), 1), 'samples': len(v)} for k, v in times.items()}


def ladder():
    levels = [int(x) for x in OPTS.get('--levels', '1,2,4,8').split(',')]
    seconds = float(OPTS.get('--seconds', '20'))
    products, partners = setup(proxy())
    result = {}
    counter = [0]
    lock = threading.Lock()
    for level in levels:
        durations, errors = [], [0]
        stop_at = time.perf_counter() + seconds

        def client():
            models = proxy()
            while time.perf_counter() < stop_at:
                with lock:
                    counter[0] += 1
                    i = counter[0]
                t = time.perf_counter()
                try:
                    order = new_order(models, products, partners, i)
                    call(models, 'sale.order', 'action_confirm', [[order]])
                    with lock:
                        durations.append((time.perf_counter() - t) * 1000)
                except Exception:
                    with lock:
                        errors[0] += 1

        threads = [threading.Thread(target=client) for _ in range(level)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        ordered = sorted(durations) or [0]
        result[str(level)] = {
            'orders_per_s': round(len(durations) / elapsed, 2),
            'p50_ms': round(ordered[len(ordered) // 2]),
            'p95_ms': round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]),
            'errors': errors[0],
        }
    return result


print(json.dumps(latency() if MODE == 'latency' else ladder(), indent=1))
