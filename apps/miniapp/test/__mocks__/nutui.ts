// What babel-plugin-import makes of `import { X } from '@nutui/nutui-react-taro'` in the real build.
export { default as Button } from '@nutui/nutui-react-taro/dist/es/packages/button';
export { default as Cell } from '@nutui/nutui-react-taro/dist/es/packages/cell';
export { default as CellGroup } from '@nutui/nutui-react-taro/dist/es/packages/cellgroup';
export { default as Dialog } from '@nutui/nutui-react-taro/dist/es/packages/dialog';
export { default as Input } from '@nutui/nutui-react-taro/dist/es/packages/input';
export { default as Loading } from '@nutui/nutui-react-taro/dist/es/packages/loading';
export { default as InputNumber } from '@nutui/nutui-react-taro/dist/es/packages/inputnumber';
export { default as Tabs } from '@nutui/nutui-react-taro/dist/es/packages/tabs';
export { default as Popup } from '@nutui/nutui-react-taro/dist/es/packages/popup';
export { default as Switch } from '@nutui/nutui-react-taro/dist/es/packages/switch';
