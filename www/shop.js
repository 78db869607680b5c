// The shop half of the demo page: product grid, product pages (hash routes), cart and checkout, and the
// clickstream they produce: page views, clicks, add-to-cart, checkout and scroll depth, each through
// the `track(name, attributes)` it is given.
import { PRODUCTS, productById, formatPrice } from './products.js';

const SCROLL_MILESTONES = [25, 50, 75, 100];

/** Renders the shop into the page and starts tracking; `track` is called for every event. */
export function startShop({ track }) {
  const cart = [];
  let reachedDepths = new Set();

  renderProducts(document.querySelector('#products'));

  function showRoute() {
    const hash = location.hash || '#/';
    const product = /^#\/product\/(\w+)$/.exec(hash);
    const view = product && productById(product[1]) ? 'product' : hash === '#/about' ? 'about' : 'list';
    for (const name of ['list', 'product', 'about']) {
      document.querySelector(`#view-${name}`).hidden = name !== view;
    }
    if (view === 'product') renderDetail(productById(product[1]));
    reachedDepths = new Set();
    track('page_view', { path: hash, view, ...(view === 'product' ? { productId: product[1] } : {}) });
  }

  function addToCart(productId, source) {
    const item = productById(productId);
    cart.push(item);
    renderCart(cart);
    track('add_to_cart', { productId, price: item.price, source, cartSize: cart.length });
  }

  document.addEventListener('click', (event) => {
    const add = event.target.closest('[data-add]');
    if (add) return addToCart(add.dataset.add, 'grid');
    if (event.target.closest('#detail-add')) {
      return addToCart(document.querySelector('#detail-add').dataset.productId, 'detail');
    }
    const card = event.target.closest('[data-product-link]');
    if (card) {
      const position = PRODUCTS.findIndex((p) => p.id === card.dataset.productLink);
      return track('product_click', { productId: card.dataset.productLink, position });
    }
    const nav = event.target.closest('[data-track-nav]');
    if (nav) return track('nav_click', { href: nav.getAttribute('href'), text: nav.textContent.trim() });
    const tracked = event.target.closest('[data-track]');
    if (tracked?.id === 'checkout') {
      const total = cart.reduce((sum, p) => sum + p.price, 0);
      track('checkout', { items: cart.map((p) => p.id), total });
      cart.length = 0;
      renderCart(cart);
      return undefined;
    }
    if (tracked?.id === 'cart') document.querySelector('.checkout').scrollIntoView({ behavior: 'smooth' });
    if (tracked) track(tracked.dataset.track, { elementId: tracked.id });
    return undefined;
  });

  // One scroll event per depth milestone per page view.
  let scheduled = false;
  addEventListener('scroll', () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      const scrollable = document.documentElement.scrollHeight - innerHeight;
      const depth = scrollable <= 0 ? 100 : Math.round((scrollY / scrollable) * 100);
      for (const milestone of SCROLL_MILESTONES) {
        if (depth >= milestone && !reachedDepths.has(milestone)) {
          reachedDepths.add(milestone);
          track('scroll', { depthPercent: milestone, path: location.hash || '#/' });
        }
      }
    });
  }, { passive: true });

  addEventListener('hashchange', showRoute);
  showRoute();
}

function swatch(product, large = false) {
  const element = document.createElement('div');
  element.className = large ? 'swatch large' : 'swatch';
  element.style.background = `linear-gradient(135deg, ${product.colors[0]}, ${product.colors[1]})`;
  return element;
}

function renderProducts(container) {
  container.replaceChildren(...PRODUCTS.map((product) => {
    const card = document.createElement('article');
    card.className = 'product';
    const link = document.createElement('a');
    link.href = `#/product/${product.id}`;
    link.dataset.productLink = product.id;
    link.id = `product-${product.id}`;
    link.append(swatch(product));
    const name = document.createElement('h3');
    name.textContent = product.name;
    link.append(name);
    const price = document.createElement('p');
    price.className = 'price';
    price.textContent = formatPrice(product.price);
    const add = document.createElement('button');
    add.id = `add-${product.id}`;
    add.dataset.add = product.id;
    add.textContent = 'Add to cart';
    card.append(link, price, add);
    return card;
  }));
}

function renderDetail(product) {
  const old = document.querySelector('#detail-swatch');
  const fresh = swatch(product, true);
  fresh.id = 'detail-swatch';
  old.replaceWith(fresh);
  document.querySelector('#detail-name').textContent = product.name;
  document.querySelector('#detail-price').textContent = formatPrice(product.price);
  document.querySelector('#detail-text').textContent = product.text;
  document.querySelector('#detail-add').dataset.productId = product.id;
}

function renderCart(cart) {
  document.querySelector('#cart-count').textContent = String(cart.length);
  const list = document.querySelector('#cart-items');
  if (cart.length === 0) {
    const empty = document.createElement('li');
    empty.className = 'muted';
    empty.textContent = 'Empty.';
    list.replaceChildren(empty);
    return;
  }
  list.replaceChildren(...cart.map((p) => {
    const item = document.createElement('li');
    item.textContent = `${p.name} — ${formatPrice(p.price)}`;
    return item;
  }));
}
