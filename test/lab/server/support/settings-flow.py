#!/usr/bin/env python3
"""Inventory's Storage Locations setting through Python's standard xmlrpc.client, on a fresh
database: the operation types as a fresh database has them (with and without active_test),
res.config.settings default_get, create, read and execute switching the setting on, again with
nothing changed, then off, and the faults of wrong calls. Prints one JSON document: what each
call returned, or its fault code and the fault's last line. Ids of settings records are replaced
by their order of creation, so two databases compare equal.

  settings-flow.py URL DB
"""
import json
import sys
import xmlrpc.client

URL, DB = sys.argv[1], sys.argv[2]
common = xmlrpc.client.ServerProxy(URL + '/xmlrpc/2/common')
models = xmlrpc.client.ServerProxy(URL + '/xmlrpc/2/object')
uid = common.authenticate(DB, 'admin', 'admin', {})
out = {}
created = []


def call(model, method, args, kwargs=None):
    try:
        return models.execute_kw(DB, uid, 'admin', model, method, args, kwargs or {})
    except xmlrpc.client.Fault as fault:
        lines = fault.faultString.strip().splitlines()
        return {'fault': fault.faultCode, 'last_line': lines[-1] if lines else ''}


def settings(vals):
    """A settings record; its id is kept for execute and reported by creation order."""
    record = call('res.config.settings', 'create', [vals])
    if isinstance(record, int):
        created.append(record)
        return record, 'settings#%d' % len(created)
    return None, record


TYPE_FIELDS = ['name', 'code', 'sequence_code', 'active', 'sequence', 'warehouse_id',
               'default_location_src_id', 'default_location_dest_id']


def types(**context):
    return call('stock.picking.type', 'search_read', [[]], {'fields': TYPE_FIELDS, 'context': context})


out['types_fresh'] = types()
out['types_fresh_all'] = types(active_test=False)
out['warehouse'] = call('stock.warehouse', 'search_read', [[]], {
    'fields': ['in_type_id', 'out_type_id', 'int_type_id', 'pick_type_id', 'pack_type_id',
               'reception_steps', 'delivery_steps']})
out['default_get_fresh'] = call('res.config.settings', 'default_get', [['group_stock_multi_locations']])
out['default_get_empty'] = call('res.config.settings', 'default_get', [[]])
out['fields_get'] = call('res.config.settings', 'fields_get', [['group_stock_multi_locations']],
                         {'attributes': ['type', 'string', 'readonly']})

on, out['create_on'] = settings({'group_stock_multi_locations': True})
read = call('res.config.settings', 'read', [[on], ['group_stock_multi_locations']])
out['read_on'] = [{**r, 'id': 'settings#1'} for r in read] if isinstance(read, list) else read
out['execute_on'] = call('res.config.settings', 'execute', [[on]])
out['types_on'] = types()
out['types_on_all'] = types(active_test=False)
out['default_get_on'] = call('res.config.settings', 'default_get', [['group_stock_multi_locations']])

same, out['create_unchanged'] = settings({})
out['read_unchanged'] = call('res.config.settings', 'read', [[same], ['group_stock_multi_locations']])[0][
    'group_stock_multi_locations']
out['execute_unchanged'] = call('res.config.settings', 'execute', [[same]])
out['types_unchanged'] = types()

off, out['create_off'] = settings({'group_stock_multi_locations': False})
out['execute_off'] = call('res.config.settings', 'execute', [[off]])
out['types_off_all'] = types(active_test=False)
out['default_get_off'] = call('res.config.settings', 'default_get', [['group_stock_multi_locations']])

out['execute_none'] = call('res.config.settings', 'execute', [[]])
out['execute_two'] = call('res.config.settings', 'execute', [[off, off]])
out['execute_missing'] = call('res.config.settings', 'execute', [[999999]])
out['execute_no_args'] = call('res.config.settings', 'execute', [])
out['default_get_unknown'] = call('res.config.settings', 'default_get', [['no_such_setting']])
out['create_unknown'] = call('res.config.settings', 'create', [{'no_such_setting': True}])
many = call('res.config.settings', 'create', [[{'group_stock_multi_locations': False}, {}]])
out['create_many'] = [isinstance(i, int) for i in many] if isinstance(many, list) else many

print(json.dumps(out, indent=1, sort_keys=True))
